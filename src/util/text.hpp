// Small string helpers shared across the layers (config, subject transforms, headers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gnatsd::text {

/// `s` without the leading and trailing characters found in `chars` (spaces and tabs by
/// default; Go's strings.TrimSpace also takes line ends: pass them).
inline std::string_view trim(std::string_view s, std::string_view chars = " \t") {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

/// `s` cut at every `sep`, empty pieces kept (Go's strings.Split).
inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out{""};
  for (const char c : s) {
    if (c == sep)
      out.emplace_back();
    else
      out.back().push_back(c);
  }
  return out;
}

}  // namespace gnatsd::text
