// Always-on assertions for invariants and limits.
//
// Unlike <cassert>, GNATSD_ASSERT stays active in release builds: a violated invariant in a
// message broker is better as a crash with a location than as silent corruption of another
// connection's data (the Tiger Style rule the design follows).
#pragma once

namespace gnatsd {

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);

}  // namespace gnatsd

#define GNATSD_ASSERT(cond)                                             \
  do {                                                                  \
    if (!(cond)) ::gnatsd::assertion_failed(#cond, __FILE__, __LINE__); \
  } while (false)
