#include "auth/redact.hpp"

namespace gnatsd {
namespace {

// Replaces the string value of every `"key"` in `s`. Malformed JSON is left as it is past the
// point where it stops making sense (the CONNECT is rejected anyway).
void redact_key(std::string& s, std::string_view key) {
  const std::string quoted = "\"" + std::string{key} + "\"";
  size_t at = 0;
  while ((at = s.find(quoted, at)) != std::string::npos) {
    size_t i = at + quoted.size();
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    if (i >= s.size() || s[i] != ':') {
      at = i;
      continue;
    }
    ++i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    if (i >= s.size() || s[i] != '"') {
      at = i;
      continue;
    }
    size_t end = i + 1;
    while (end < s.size() && s[end] != '"')
      end += s[end] == '\\' ? 2 : 1;
    if (end >= s.size()) {  // unterminated: redact to the end
      s.replace(i + 1, std::string::npos, "[REDACTED]");
      return;
    }
    s.replace(i + 1, end - i - 1, "[REDACTED]");
    at = i + 1 + 10;
  }
}

}  // namespace

std::string redact_connect(std::string_view json) {
  std::string s{json};
  redact_key(s, "pass");
  redact_key(s, "auth_token");
  return s;
}

}  // namespace gnatsd
