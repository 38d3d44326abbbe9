// The write deadline of one connection: every byte handed to the socket must be written
// within `write_deadline` of the moment it was waiting, or the peer is a slow consumer.
//
// nats-server checks the deadline on each flush: it writes everything pending at once with
// a socket deadline and, when that write times out, logs "Slow Consumer Detected:
// WriteDeadline of X exceeded with N chunks of M total bytes." and closes a client (a route
// only if nothing at all was written). gnatsd writes on the transport thread and hears about
// progress through flush events, so it keeps the same promise with marks: when bytes are
// handed over (at most one mark per check interval, the rest at the next check) it notes how
// far the socket has to get and when, and the deadline is exceeded when a mark is not
// reached within `write_deadline`. A mark is never older than the bytes it covers, and checks
// run every check_interval (at most half a second), so a stuck peer is found after the
// deadline and within it plus a second, never at twice the deadline.
//
// Pure bookkeeping: the owner feeds it bytes handed and flushed and the actor clock's time.
#pragma once

#include <cstdint>
#include <deque>

#include "config/options.hpp"

namespace gnatsd {

class write_deadline {
 public:
  /// The verdict of one check.
  struct verdict {
    bool exceeded = false;
    uint64_t attempted = 0;  // bytes that were waiting when the oldest missed mark was taken
    uint64_t chunks = 0;     // in how many writes (chunks) they were handed over
    uint64_t written = 0;    // bytes written since that mark (0: the peer took nothing)
  };

  /// A chunk of `bytes` was handed to the socket at time `now` (the actor clock).
  void handed(uint64_t bytes, duration now, duration deadline);
  /// The socket wrote `bytes` of what was handed, in order.
  void flushed(uint64_t bytes);
  /// The socket has written `total` bytes since the connection began (a running count kept
  /// elsewhere, subscriber::written): takes in what is new since the last call.
  void written_total(uint64_t total) {
    if (total > flushed_) flushed(total - flushed_);
  }
  /// Bytes handed and not yet written.
  uint64_t pending() const { return handed_ - flushed_; }
  /// Chunks handed and not yet completely written.
  uint64_t pending_chunks() const { return chunks_.size(); }

  /// Checks at time `now` (the actor clock): marks how far the socket has to get now, and
  /// tells whether a mark taken at least `deadline` ago is still not reached. After a verdict
  /// of `exceeded` the marks start over, so the next one comes a whole deadline later.
  verdict check(duration now, duration deadline);

  /// Whether checks are still needed (bytes pending or marks outstanding).
  bool active() const { return pending() > 0 || !marks_.empty(); }

  /// How often to check for a given deadline: at most half a second apart, so that a slow
  /// consumer is found within the deadline plus one second.
  static duration check_interval(duration deadline);

 private:
  struct mark {
    duration at;
    uint64_t handed;   // the socket must get this far
    uint64_t flushed;  // it had got this far
    uint64_t chunks;   // chunks waiting then
  };
  uint64_t handed_ = 0, flushed_ = 0;
  std::deque<uint64_t> chunks_;  // sizes of the chunks not completely written, oldest first
  uint64_t front_written_ = 0;   // bytes of chunks_.front() already written
  std::deque<mark> marks_;

  void add_mark(duration now);
};

}  // namespace gnatsd
