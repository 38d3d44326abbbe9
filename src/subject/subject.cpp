#include "subject/subject.hpp"

namespace gnatsd::subject {
namespace {

bool has_whitespace(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') return true;
  return false;
}

bool valid_tokens(std::string_view s, bool allow_wildcards) {
  if (s.empty() || has_whitespace(s)) return false;
  std::string_view rest = s, token;
  bool done = false;
  while (next_token(rest, token, done)) {
    if (token.empty()) return false;
    if (token == "*" && !allow_wildcards) return false;
    if (token == ">") {
      if (!allow_wildcards || !done) return false;
    }
  }
  return true;
}

}  // namespace

bool valid_subscription(std::string_view s) {
  return valid_tokens(s, true);
}

bool valid_literal(std::string_view s) {
  return valid_tokens(s, false);
}

bool matches(std::string_view pattern, std::string_view literal) {
  // A literal with an empty token matches nothing, whatever the pattern (sublist.go).
  if (literal.empty() || literal.front() == '.' || literal.back() == '.' ||
      literal.find("..") != std::string_view::npos)
    return false;
  std::string_view prest = pattern, lrest = literal, ptok, ltok;
  bool pdone = false, ldone = false;
  for (;;) {
    const bool have_p = next_token(prest, ptok, pdone);
    const bool have_l = next_token(lrest, ltok, ldone);
    if (!have_p || !have_l) return have_p == have_l;
    if (ltok.empty()) return false;
    if (ptok == ">") return true;
    if (ptok != "*" && ptok != ltok) return false;
  }
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::string_view token;
  bool done = false;
  while (next_token(s, token, done))
    out.push_back(token);
  return out;
}

bool subset_of(std::string_view a, std::string_view b) {
  const auto ta = tokens(a), tb = tokens(b);
  for (size_t i = 0; i < tb.size(); ++i) {
    if (tb[i] == ">") return i < ta.size();  // one or more tokens left in `a`
    if (i >= ta.size() || ta[i] == ">") return false;
    if (tb[i] == "*") continue;
    if (ta[i] != tb[i]) return false;  // `a`'s "*" is wider than `b`'s literal too
  }
  return ta.size() == tb.size();
}

}  // namespace gnatsd::subject
