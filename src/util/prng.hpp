// A seeded, explicitly specified pseudo-random generator (xoshiro256**, seeded by splitmix64).
//
// Every random choice of the server (server ids, queue member choice, ping and reconnect
// jitter) comes from one of these, never from the OS, so that a simulation replays exactly
// from its seed on any compiler. `below` is our own bounded-integer function because
// std::uniform_int_distribution differs between standard libraries.
#pragma once

#include <cstdint>

namespace gnatsd {

class prng {
 public:
  explicit prng(uint64_t seed = 0x9e3779b97f4a7c15ull);

  uint64_t next();

  /// Uniform integer in [0, bound); bound must be positive. Lemire's multiply-shift with
  /// rejection, so the result is unbiased and identical on every platform.
  uint64_t below(uint64_t bound);

  /// A new generator whose stream is independent of this one (for per-connection streams).
  prng fork();

 private:
  uint64_t s_[4];
};

}  // namespace gnatsd
