#include "actors/client_session.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <deque>

#include "actors/connection_bridge.hpp"
#include "connection/client_connection.hpp"
#include "proto/identity.hpp"

namespace gnatsd {
namespace {

// Read buffers in flight per connection: one being processed while the transport fills up to
// three more (two left publish-only runs waiting on credits; eight used more CPU for no gain).
constexpr int read_credits = 4;
// A read buffer is parsed in slices of this size, and the actor turn ends after the slice
// that took the turn past session_config::read_turn (10 us): a 256 KiB buffer of small
// messages takes about a millisecond, and the worker serves its other connections between
// turns (a request waited out the whole buffer of a busy publisher: p50 2.3 ms beside a 1:1
// stream).
constexpr size_t read_slice = 4 * 1024;
constexpr auto first_ping_max = std::chrono::seconds{2};
// How often a stalled producer looks whether its destinations have drained: every
// millisecond at first, then every ten (a producer held behind a stuck route may wait long).
constexpr auto stall_poll = std::chrono::milliseconds{1};
constexpr auto stall_poll_slow = std::chrono::milliseconds{10};
constexpr auto stall_poll_fast_for = std::chrono::milliseconds{100};
// A stalled destination that wrote nothing for this long is taken as stuck.
constexpr auto stall_stuck_after = std::chrono::milliseconds{10};

struct session_state {
  session_config config;
  std::unique_ptr<client_connection> conn;
  bool finished = false;
  bool login_seen = false;        // the client logged in (checked once per buffer until then)
  bool login_reported = false;    // and the system service heard of it
  bool transport_closed = false;  // the transport reported the close: nothing to tell it
  // Producer stall: the read buffer whose credit is held back, and until when at most.
  bool stalled = false;
  std::vector<char> held_buffer;
  std::deque<std::vector<char>> read_ahead;  // arrived during a stall or a slicing, not parsed
  // A read buffer parsed slice by slice: what is left of it starts at `slicing_at`.
  std::vector<char> slicing;
  size_t slicing_at = 0;
  caf::actor_clock::time_point stall_start, stall_deadline;
};

using session_pointer = session_actor::stateful_pointer<session_state>;

// The actor clock's time in nanoseconds (the steady clock in production, virtual in sim).
int64_t steady_ns(caf::actor_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The actor clock's time as a duration, for the write deadline.
duration now_of(session_pointer self) {
  return std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch());
}

// Adds 0-20% jitter, drawn from the session's seeded generator.
caf::timespan jittered(duration base, prng& rng) {
  const auto extra = static_cast<int64_t>(rng.below(static_cast<uint64_t>(base.count() / 5) + 1));
  return caf::timespan{base.count() + extra};
}

// Tells the system service that the client logged in to an account, or left it. Clients of
// the global account are not reported, as nats-server ignores them (and so a server without
// accounts sends nothing per connection).
void report_login(session_pointer self) {
  auto& st = self->state;
  if (!st.conn->authorized()) return;
  st.login_seen = true;
  if (!st.config.system || st.conn->account_name() == global_account) return;
  st.login_reported = true;
  self->send(
      st.config.system, client_event_atom_v,
      client_event{
          true, st.config.cid, st.config.connection->remote().host, st.conn->stats(), {}, {}});
}

void report_logout(session_pointer self) {
  auto& st = self->state;
  if (!st.login_reported) return;
  self->send(st.config.system, client_event_atom_v,
             client_event{false,
                          st.config.cid,
                          st.config.connection->remote().host,
                          st.conn->stats(),
                          std::string{close_reason_text(st.conn->reason())},
                          {}});
}

// Ends the session: removes its interest, tells the server, closes the socket and quits.
void finish(session_pointer self, bool flush) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  // What it published before - also in the earlier turns of a buffer it will not finish -
  // is delivered: those messages already count against their subscriptions' limits.
  st.conn->flush_deliveries();
  st.conn->cleanup();
  report_logout(self);
  auto changes = st.conn->take_interest_changes();
  if (!changes.empty()) self->send(st.config.interest, interest_atom_v, std::move(changes));
  auto& log = *st.config.context->log;
  log.debugf(st.conn->log_prefix() +
             "Client connection closed: " + std::string{close_reason_text(st.conn->reason())});
  if (!st.transport_closed) st.config.connection->close(flush);
  self->send(st.config.server, session_closed_atom_v, st.config.cid,
             std::string{close_reason_text(st.conn->reason())});
  self->quit();
}

// Emits everything the connection produced during this turn; the deliveries only with
// `deliveries` (a buffer's turns but its last leave them to grow: one batch and one socket
// write per destination and read buffer, as without turns), when the session finishes, or
// when the client gets an answer: a PONG promises that what was published before it has
// been handed on, so the deliveries go first (a server that stops after the PONG must not
// lose a message its publisher saw confirmed).
void emit(session_pointer self, bool deliveries = true) {
  auto& st = self->state;
  auto& conn = *st.conn;
  if (deliveries || conn.has_output()) conn.flush_deliveries();
  auto changes = conn.take_interest_changes();
  if (!changes.empty()) self->send(st.config.interest, interest_atom_v, std::move(changes));
  if (!conn.closing() || conn.flush_before_close()) {
    auto chunks = conn.take_output(now_of(self));  // may close a client over max_pending
    if (!conn.closing() || conn.flush_before_close())
      for (auto& chunk : chunks)
        st.config.connection->write(std::move(chunk));
  }
  if (!st.login_seen) report_login(self);
  if (conn.closing()) finish(self, conn.flush_before_close());
}

// Returns the read credit of a processed buffer, or holds it while a destination is over the
// stall mark (routing/producer_stall.hpp).
void resume_or_stall(session_pointer self, std::vector<char>& buffer) {
  auto& st = self->state;
  if (!st.conn->producer_stalled()) {
    st.config.connection->resume_reading(std::move(buffer));
    return;
  }
  st.stalled = true;
  st.conn->input_held();
  st.held_buffer = std::move(buffer);
  st.stall_start = self->clock().now();
  st.stall_deadline = st.stall_start + st.conn->stall_wait();
  self->delayed_send(self, stall_poll, stall_timer_atom_v);
}

bool busy_reading(const session_state& st) {
  return st.stalled || !st.slicing.empty();
}

// Parses the buffer being read from `at` for one turn; the rest waits for a `read_on`
// message, behind whatever else the mailbox holds. The buffer's credit goes back after its
// last slice.
void read_slice_of(session_pointer self, std::vector<char>& data, size_t at) {
  auto& st = self->state;
  const auto start = self->clock().now();
  st.conn->set_now(now_of(self));
  do {
    const size_t n = std::min(read_slice, data.size() - at);
    st.conn->receive(data.data() + at, n);
    at += n;
  } while (at < data.size() && !st.conn->closing() &&
           self->clock().now() - start < st.config.read_turn);
  if (st.config.stats)
    st.config.stats->last_activity_steady_ns.store(steady_ns(self->clock().now()),
                                                   std::memory_order_relaxed);
  const bool last = at == data.size();
  emit(self, last);
  if (st.finished) return;
  if (!last) {
    if (&data != &st.slicing) st.slicing = std::move(data);
    st.slicing_at = at;
    self->send(self, read_on_atom_v);
    return;
  }
  std::vector<char> done = std::move(data);
  st.slicing.clear();
  resume_or_stall(self, done);
}

void process_read(session_pointer self, std::vector<char>& data) {
  read_slice_of(self, data, 0);
}

// Parses what arrived while a stall or a slicing held reading back.
void drain_read_ahead(session_pointer self) {
  auto& st = self->state;
  while (!st.finished && !busy_reading(st) && !st.read_ahead.empty()) {
    std::vector<char> next = std::move(st.read_ahead.front());
    st.read_ahead.pop_front();
    process_read(self, next);
  }
}

void read_on(session_pointer self) {
  auto& st = self->state;
  if (st.finished || st.slicing.empty()) return;
  read_slice_of(self, st.slicing, st.slicing_at);
  drain_read_ahead(self);
}

void stall_check(session_pointer self) {
  auto& st = self->state;
  if (st.finished || !st.stalled) return;
  const auto now = self->clock().now();
  // A stall ends when its destinations drained below the mark, when its wait is over, or
  // early when none of them wrote a byte for a while (stuck, not slow: nats-server 2.9 kept
  // waiting for them, holding every other subscriber of the producer back with them) -
  // unless a route is so far behind that the producer must wait for it (routes are not cut
  // for pending bytes: this is what bounds them).
  const bool stuck = now - st.stall_start >= stall_stuck_after && !st.conn->stall_progressing();
  const bool timed_out = (now >= st.stall_deadline || stuck) && !st.conn->stall_holds();
  if (!st.conn->stall_cleared() && !timed_out) {
    self->delayed_send(self,
                       now - st.stall_start < stall_poll_fast_for ? stall_poll : stall_poll_slow,
                       stall_timer_atom_v);
    return;
  }
  if (timed_out)
    st.config.context->log->debugf(st.conn->log_prefix() + "Timed out of fast producer stall" +
                                   (stuck ? " (a destination writes nothing)" : ""));
  st.stalled = false;
  st.config.connection->resume_reading(std::move(st.held_buffer));
  drain_read_ahead(self);
}

// The shape of most handlers: act on a live connection, then send what it produced.
template <class F>
void on_live(session_pointer self, F&& act) {
  auto& s = self->state;
  if (s.finished) return;
  act(*s.conn);
  emit(self);
}

// The keepalive and write-deadline ticks run on the connection (net::connection_timers): the
// first PING within two seconds, then every ping_interval, each with 0-20% jitter; checks of
// the write deadline while written bytes wait.
net::connection_timers session_timers(session_pointer self, const connection_limits& limits) {
  auto& rng = self->state.config.rng;
  net::connection_timers t;
  t.first_ping = jittered(std::min<duration>(limits.ping_interval, first_ping_max), rng);
  t.ping_interval = jittered(limits.ping_interval, rng);
  t.write_check = write_deadline::check_interval(limits.write_deadline);
  return t;
}

session_actor::behavior_type session_behavior(session_pointer self, session_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  auto& c = st.config;
  auto sub = std::make_shared<actor_subscriber<session_actor>>(c.cid, false, session_actor{self});
  st.conn = std::make_unique<client_connection>(c.context, c.cid, c.connection->remote().host,
                                                c.connection->remote().port, sub, c.rng.fork());
  if (c.stats) {
    const int64_t now = steady_ns(self->clock().now());
    c.stats->start_steady_ns = now;
    c.stats->last_activity_steady_ns = now;
    st.conn->use_stats(c.stats);
  }
  st.conn->start(c.connection->secured(), c.greeted);
  if (c.over_connection_limit) st.conn->fail(proto::error_code::maximum_connections_exceeded);
  auto timers = session_timers(self, st.conn->limits());
  if (const auto auth = c.context->current_auth(); auth->required()) {
    // The handshake counts against the auth timeout: nats-server allows the TLS timeout
    // plus a second.
    auto timeout = auth->timeout;
    if (c.connection->secured())
      timeout =
          std::max<duration>(timeout, c.context->current_tls()->timeout + std::chrono::seconds{1});
    timers.auth_timeout = timeout;
  }
  c.connection->start(std::make_shared<connection_events<session_actor>>(session_actor{self}, sub),
                      read_credits, timers);
  emit(self);
  return {
      [=](net_bytes_atom, std::vector<char>& data) {
        auto& s = self->state;
        if (s.finished) return;
        if (busy_reading(s)) {
          // Buffers the transport read ahead wait their turn (at most the credits).
          s.read_ahead.push_back(std::move(data));
          return;
        }
        process_read(self, data);
      },
      [=](net_tls_atom, net::tls_outcome& tls) {
        on_live(self, [&](client_connection& c) {
          c.tls_handshake_done(tls.error, tls.version, tls.cipher, std::move(tls.peer));
        });
      },
      [=](net_closed_atom, std::string& reason) {
        auto& s = self->state;
        if (s.finished) return;
        s.config.context->log->debugf(s.conn->log_prefix() + reason);
        s.conn->transport_closed(reason);
        s.transport_closed = true;  // spares the I/O thread a wake-up for a no-op
        finish(self, false);
      },
      [=](deliver_atom, std::vector<char>& bytes, uint64_t messages) {
        on_live(self, [&](client_connection& c) {
          c.deliver(delivery_batch{std::move(bytes), messages});
        });
      },
      [=](expired_atom, uint64_t id) {
        on_live(self, [&](client_connection& c) { c.expire_subscription(id); });
      },
      [=](ping_timer_atom) {
        on_live(self, [&](client_connection& c) {
          if (self->state.stalled) c.input_held();
          c.set_now(now_of(self));
          c.ping_timer();
        });
      },
      [=](deadline_timer_atom) {
        on_live(self, [&](client_connection& c) { c.write_deadline_check(now_of(self)); });
      },
      [=](urls_atom) { on_live(self, [](client_connection& c) { c.connect_urls_changed(); }); },
      [=](stall_timer_atom) { stall_check(self); },
      [=](read_on_atom) { read_on(self); },
      [=](reload_atom) {
        on_live(self, [&](client_connection& c) {
          c.reload();
          self->state.config.connection->set_timers(session_timers(self, c.limits()));
        });
      },
      [=](over_limit_atom) {
        on_live(self, [](client_connection& c) {
          c.fail(proto::error_code::maximum_connections_exceeded);
        });
      },
      [=](auth_timer_atom) { on_live(self, [](client_connection& c) { c.auth_timer(); }); },
      [=](shutdown_atom) {
        if (!self->state.finished) finish(self, true);
      },
  };
}

}  // namespace

session_actor spawn_client_session(caf::actor_system& sys, session_config config) {
  return sys.spawn(session_behavior, std::move(config));
}

}  // namespace gnatsd
