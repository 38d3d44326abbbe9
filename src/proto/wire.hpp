// Small helpers for writing protocol text into a byte buffer, shared by the client and
// route encoders.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace gnatsd::proto {

inline void append_text(std::vector<char>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

/// Writes the decimal form of `n` at `p` (room for 20 digits); returns the end.
inline char* put_decimal(char* p, size_t n) {
  char digits[24];
  size_t len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (len > 0)
    *p++ = digits[--len];
  return p;
}

/// Appends the decimal form of `n` without iostreams or std::to_string.
inline void append_decimal(std::vector<char>& out, size_t n) {
  char digits[24];
  out.insert(out.end(), digits, put_decimal(digits, n));
}

/// Appends the end of a message frame: `[<#hdr> ]<#total>\r\n<message>\r\n` (the header
/// size only for HMSG), shared by MSG, HMSG, RMSG and the route HMSG.
inline void append_sizes_and_message(std::vector<char>& out, bool headers, size_t header_size,
                                     std::string_view message) {
  if (headers) {
    append_decimal(out, header_size);
    out.push_back(' ');
  }
  append_decimal(out, message.size());
  append_text(out, "\r\n");
  append_text(out, message);
  append_text(out, "\r\n");
}

}  // namespace gnatsd::proto
