// Text helpers shared by the tests.
#pragma once

#include <string>

namespace gnatsd::testing {

/// How many times `needle` occurs in `haystack` (non-overlapping).
inline size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

}  // namespace gnatsd::testing
