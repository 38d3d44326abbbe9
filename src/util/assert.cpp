#include "util/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace gnatsd {

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "gnatsd: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}

}  // namespace gnatsd
