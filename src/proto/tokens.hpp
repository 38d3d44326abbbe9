// Small helpers shared by the client and route protocol parsers: case-insensitive keyword
// matching, whitespace argument splitting and nats-server's size syntax.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gnatsd::proto {

inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}

inline char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// Case-insensitive check that `s` starts with the upper-case keyword `kw`.
inline bool starts_with_keyword(std::string_view s, std::string_view kw) {
  if (s.size() < kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i)
    if (upper(s[i]) != kw[i]) return false;
  return true;
}

/// An op keyword and whether a space or tab must follow it (PUB, SUB...) or anything may
/// (PING, PONG, +OK: nats-server ignores the rest of their line).
struct keyword {
  std::string_view text;
  bool needs_space;
};

/// The keyword of `table` that `line` starts with, or null.
template <size_t N>
const keyword* match_keyword(std::string_view line, const keyword (&table)[N]) {
  for (const auto& kw : table) {
    if (!starts_with_keyword(line, kw.text)) continue;
    if (kw.needs_space && (line.size() == kw.text.size() || !is_space(line[kw.text.size()])))
      continue;
    return &kw;
  }
  return nullptr;
}

/// True if the partial line `s` could still become a line starting with a keyword of `table`.
template <size_t N>
bool keyword_prefix_possible(std::string_view s, const keyword (&table)[N]) {
  for (const auto& kw : table) {
    const size_t n = std::min(s.size(), kw.text.size());
    if (!starts_with_keyword(s.substr(0, n), kw.text.substr(0, n))) continue;
    if (s.size() <= kw.text.size() || !kw.needs_space || is_space(s[kw.text.size()])) return true;
  }
  return false;
}

/// The next argument of `s` at or after `i` (arguments are separated by runs of spaces and
/// tabs); advances `i` past it. False when only whitespace is left.
inline bool next_arg(std::string_view s, size_t& i, std::string_view& arg) {
  while (i < s.size() && is_space(s[i]))
    ++i;
  if (i == s.size()) return false;
  const size_t start = i;
  while (i < s.size() && !is_space(s[i]))
    ++i;
  arg = s.substr(start, i - start);
  return true;
}

/// Splits `s` on runs of spaces and tabs into `out` (cleared first; its capacity is reused).
inline void split_args(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  size_t i = 0;
  for (std::string_view arg; next_arg(s, i, arg);)
    out.push_back(arg);
}

/// Splits like split_args into a fixed array, without allocating (nats-server's stack arrays
/// for PUB arguments). Returns the number of arguments, counting at most N: N means "N or
/// more", so callers size N one above the most they accept.
template <size_t N>
size_t split_args_into(std::string_view s, std::string_view (&out)[N]) {
  size_t n = 0, i = 0;
  while (n < N && next_arg(s, i, out[n]))
    ++n;
  return n;
}

/// Removes leading spaces and tabs.
inline std::string_view trim_front(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  return s;
}

/// Parses a decimal size of 1-9 digits; returns -1 for anything else (as nats-server does).
int64_t parse_size(std::string_view s);

}  // namespace gnatsd::proto
