// Fast-producer back-pressure, as nats-server 2.9's stall gate: when a client destination has
// more than half of max_pending waiting to be written, the client that published to it stops
// reading until the destination drains below that mark or a wait time passes. Without it a
// publisher on a busy server can outrun a healthy subscriber until the subscriber is closed
// as a slow consumer, losing messages the protocol would deliver.
#pragma once

#include <algorithm>
#include <cstdint>

#include "config/options.hpp"

namespace gnatsd {

/// The backlog above which a destination stalls its producers (0: never): half of
/// max_pending as in nats-server, but at most 4 MiB. gnatsd's writes happen on the transport
/// thread, not inline in the producer as in nats-server, so backlogs really build up to the
/// mark; a deeper queue only costs memory (a 1->5 fan-out peaked at 260 MiB with the 32 MiB
/// mark) while a subscriber drains 4 MiB in milliseconds. docs/COMPATIBILITY.md.
inline int64_t stall_threshold(int64_t max_pending) {
  constexpr int64_t mark_max = 4 * 1024 * 1024;
  return max_pending > 0 ? std::min(mark_max, max_pending / 2) : 0;
}

/// How long a producer waits at most for a destination with `backlog` bytes to drain: 100 ms,
/// plus 100 ms per tenth of the half of max_pending it is over the mark, at most 1 s
/// (nats-server's stallDuration).
duration stall_wait(int64_t backlog, int64_t max_pending);

}  // namespace gnatsd
