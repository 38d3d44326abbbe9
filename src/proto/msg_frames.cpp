#include "proto/msg_frames.hpp"

#include <charconv>
#include <vector>

namespace gnatsd::proto {
namespace {

// Splits a control line's arguments on spaces (the encoder writes single spaces).
std::vector<std::string_view> arguments(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < line.size()) {
    const size_t space = line.find(' ', start);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    if (end > start) out.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

bool for_each_msg(std::string_view bytes, const std::function<void(const delivered_msg&)>& each) {
  while (!bytes.empty()) {
    const size_t eol = bytes.find("\r\n");
    if (eol == std::string_view::npos || bytes.substr(0, 4) != "MSG ") return false;
    const auto args = arguments(bytes.substr(4, eol - 4));
    if (args.size() != 3 && args.size() != 4) return false;
    size_t size = 0;
    const auto& n = args.back();
    if (std::from_chars(n.data(), n.data() + n.size(), size).ec != std::errc{}) return false;
    const size_t start = eol + 2;
    if (bytes.size() < start + size + 2) return false;
    each(delivered_msg{args[0], args.size() == 4 ? args[2] : std::string_view{},
                       bytes.substr(start, size)});
    bytes.remove_prefix(start + size + 2);
  }
  return true;
}

}  // namespace gnatsd::proto
