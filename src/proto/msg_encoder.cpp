#include "proto/msg_encoder.hpp"

#include <cstring>

namespace gnatsd::proto {
namespace {

// Appends the decimal form of `n` without going through iostreams or to_string.
void append_number(std::vector<char>& out, size_t n) {
  char digits[24];
  size_t len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  const size_t at = out.size();
  out.resize(at + len);
  for (size_t i = 0; i < len; ++i)
    out[at + i] = digits[len - 1 - i];
}

void append(std::vector<char>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

void append_head(std::vector<char>& out, std::string_view op, std::string_view subject,
                 std::string_view sid, std::string_view reply) {
  append(out, op);
  append(out, subject);
  out.push_back(' ');
  append(out, sid);
  out.push_back(' ');
  if (!reply.empty()) {
    append(out, reply);
    out.push_back(' ');
  }
}

}  // namespace

void append_msg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                std::string_view reply, std::string_view payload) {
  append_head(out, "MSG ", subject, sid, reply);
  append_number(out, payload.size());
  append(out, "\r\n");
  append(out, payload);
  append(out, "\r\n");
}

void append_hmsg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                 std::string_view reply, size_t header_size, std::string_view message) {
  append_head(out, "HMSG ", subject, sid, reply);
  append_number(out, header_size);
  out.push_back(' ');
  append_number(out, message.size());
  append(out, "\r\n");
  append(out, message);
  append(out, "\r\n");
}

}  // namespace gnatsd::proto
