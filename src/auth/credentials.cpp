#include "auth/credentials.hpp"

#include <vector>

namespace gnatsd {
namespace {

// Whether a line is a "---- ... ----" marker (three dashes or more at both ends).
bool marker(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.remove_suffix(1);
  return line.size() >= 6 && line.substr(0, 3) == "---" && line.substr(line.size() - 3) == "---";
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<user_credentials> parse_credentials(std::string_view text) {
  // The first non-empty line after each opening marker, as nats-server's credsRe takes it.
  std::vector<std::string> blocks;
  bool open = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (marker(trimmed(line))) {
      open = !open;
      continue;
    }
    if (open && !trimmed(line).empty()) {
      blocks.emplace_back(trimmed(line));
      open = false;  // the closing marker follows; skip to it
      // Swallow lines up to and including the closing marker.
      while (pos <= text.size()) {
        const size_t e = std::min(text.find('\n', pos), text.size());
        const std::string_view l = text.substr(pos, e - pos);
        pos = e + 1;
        if (marker(trimmed(l))) break;
      }
    }
    if (end == text.size()) break;
  }
  if (blocks.size() < 2) return std::nullopt;
  return user_credentials{blocks[0], blocks[1]};
}

}  // namespace gnatsd
