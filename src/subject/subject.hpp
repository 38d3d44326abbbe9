// Subjects: dot-separated tokens, with `*` (one token) and `>` (one or more trailing tokens)
// as wildcards when they form a whole token.
//
// Mirrors nats-server's sublist.go helpers: SUB subjects are validated when inserted
// (`-ERR 'Invalid Subject'` otherwise); publish subjects only in pedantic mode, and an invalid
// publish subject simply matches nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gnatsd::subject {

/// True if `s` is a valid subscription subject: non-empty tokens, no whitespace, and `>` only
/// as the last token.
bool valid_subscription(std::string_view s);

/// True if `s` is a valid literal (publish) subject: a valid subject without wildcard tokens.
bool valid_literal(std::string_view s);

/// True if the literal subject `literal` is matched by the subscription subject `pattern`.
/// This is the reference matcher (linear in the tokens); the sublist is the fast path.
bool matches(std::string_view pattern, std::string_view literal);

/// True if every subject `a` matches is also matched by `b` (both subscription subjects):
/// "foo.bar" and "foo.*" are subsets of "foo.>", "foo.>" is not a subset of "foo.*".
bool subset_of(std::string_view a, std::string_view b);

/// Splits off the next token of `rest` at the first '.', advancing `rest` past it.
/// Returns false when `rest` was already exhausted.
inline bool next_token(std::string_view& rest, std::string_view& token, bool& done) {
  if (done) return false;
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) {
    token = rest;
    done = true;
  } else {
    token = rest.substr(0, dot);
    rest.remove_prefix(dot + 1);
  }
  return true;
}

/// The tokens of `s` ("a.b.c" -> {"a", "b", "c"}).
std::vector<std::string_view> tokens(std::string_view s);

}  // namespace gnatsd::subject
