// Fast-producer back-pressure, as nats-server 2.9's stall gate: when a client destination has
// more than half of max_pending waiting to be written, the client that published to it stops
// reading until the destination drains below that mark or a wait time passes. Without it a
// publisher on a busy server can outrun a healthy subscriber until the subscriber is closed
// as a slow consumer, losing messages the protocol would deliver.
#pragma once

#include <cstdint>

#include "config/options.hpp"

namespace gnatsd {

/// The backlog above which a destination stalls its producers (0: never).
inline int64_t stall_threshold(int64_t max_pending) {
  return max_pending > 0 ? max_pending / 2 : 0;
}

/// How long a producer waits at most for a destination with `backlog` bytes to drain: 100 ms,
/// plus 100 ms per tenth of the half of max_pending it is over the mark, at most 1 s
/// (nats-server's stallDuration).
duration stall_wait(int64_t backlog, int64_t max_pending);

}  // namespace gnatsd
