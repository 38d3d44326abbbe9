#include "frame_reader.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace loadgen {

void frame_reader::feed(const char* p, size_t n, counts& out) {
  const char* end = p + n;
  while (p < end) {
    if (skip_ > 0) {
      const size_t take = std::min(skip_, static_cast<size_t>(end - p));
      p += take;
      skip_ -= take;
      if (skip_ == 0) ++out.msgs;
      continue;
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) {
      partial_.append(p, end);
      return;
    }
    std::string_view l;
    if (partial_.empty()) {
      l = std::string_view{p, static_cast<size_t>(nl - p)};
    } else {
      partial_.append(p, nl);
      l = partial_;
    }
    p = nl + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    line(l, out);
    partial_.clear();
  }
}

void frame_reader::line(std::string_view l, counts& out) {
  if (l.rfind("MSG ", 0) == 0) {
    // MSG <subject> <sid> [reply] <size>: the size is the last token.
    const size_t last_space = l.rfind(' ');
    size_t size = 0;
    for (char c : l.substr(last_space + 1)) {
      if (c < '0' || c > '9') throw std::runtime_error("bad MSG line: " + std::string{l});
      size = size * 10 + static_cast<size_t>(c - '0');
    }
    if (keep_reply) {
      // Tokens: MSG subject sid reply size -> the reply is the fourth when there are five.
      std::string_view rest = l.substr(0, last_space);
      const size_t before_reply = rest.rfind(' ');
      const std::string_view candidate = rest.substr(before_reply + 1);
      const size_t spaces = static_cast<size_t>(std::count(l.begin(), l.end(), ' '));
      reply_.assign(spaces == 4 ? candidate : std::string_view{});
    }
    skip_ = size + 2;
    return;
  }
  if (l == "PING") {
    ++out.pings;
  } else if (l == "PONG") {
    ++out.pongs;
  } else if (l.rfind("INFO ", 0) != 0 && l != "+OK") {
    throw std::runtime_error("unexpected line from server: " + std::string{l});
  }
}

}  // namespace loadgen
