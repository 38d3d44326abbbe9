#include "routing/producer_stall.hpp"

#include <algorithm>

namespace gnatsd {

duration stall_wait(int64_t backlog, int64_t max_pending) {
  constexpr duration min_wait = std::chrono::milliseconds{100};
  constexpr duration max_wait = std::chrono::seconds{1};
  if (backlog >= max_pending) return max_wait;
  duration wait = min_wait;
  const int64_t half = max_pending / 2;
  const int64_t step = half / 10;
  if (backlog > half && step > 0) wait += min_wait * ((backlog - half) / step);
  return std::min(wait, max_wait);
}

}  // namespace gnatsd
