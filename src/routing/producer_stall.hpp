// Fast-producer back-pressure, as nats-server 2.9's stall gate: when a destination has
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

/// The backlog of a route above which a stalled producer waits without a time limit: half of
/// max_pending, where nats-server's stall gate kept a stuck route (about 33 MB with the
/// default 64 MiB). nats-server makes a producer wait up to a second per message for a route
/// behind its gate, which in effect stops it; gnatsd stalls per read buffer, so a time limit
/// would let a fast publisher add a read buffer's worth per wait and grow the route without
/// bound. Routes are not dropped for pending bytes (nats-server 2.x), so this is what bounds
/// them: at most this mark plus one read buffer of frames per publishing connection.
inline int64_t route_hold_mark(int64_t max_pending) {
  return max_pending / 2;
}

/// How long a producer waits at most for a destination with `backlog` bytes to drain: 100 ms,
/// plus 100 ms per tenth of the half of max_pending it is over the mark, at most 1 s
/// (nats-server's stallDuration).
duration stall_wait(int64_t backlog, int64_t max_pending);

}  // namespace gnatsd
