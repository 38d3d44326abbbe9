#include "actors/leaf.hpp"

#include <caf/all.hpp>

#include "actors/connection_bridge.hpp"
#include "actors/peer_actor.hpp"

namespace gnatsd {
namespace {

constexpr int read_credits = 2;
// nats-server pings leafnodes every ping_interval (the first time after a second) and gives a
// soliciting leaf 2 s for the hub's INFO and its answer to our CONNECT.
constexpr auto first_ping = std::chrono::seconds{1};
constexpr auto handshake_wait = std::chrono::seconds{2};

struct leaf_state {
  leaf_config config;
  std::unique_ptr<leaf_connection> conn;
  bool finished = false;
};

using leaf_pointer = leaf_actor::stateful_pointer<leaf_state>;

void report_interest(leaf_pointer self) {
  auto& st = self->state;
  if (auto changes = st.conn->take_interest(); !changes.empty())
    self->send(st.config.interest, interest_atom_v, std::move(changes));
}

void finish(leaf_pointer self) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.conn->cleanup();
  report_interest(self);
  self->send(st.config.interest, remove_leaf_atom_v, st.config.lid);
  st.config.context->log->info(st.conn->log_prefix() + "Leafnode connection closed: " +
                               st.conn->close_reason() + " account: " + st.conn->account_name());
  st.config.connection->close(st.conn->flush_before_close());
  self->send(st.config.server, leaf_closed_atom_v, st.config.lid, st.conn->role().solicited,
             static_cast<uint64_t>(st.conn->role().remote),
             static_cast<int64_t>(st.conn->reconnect_delay().count()));
  self->quit();
}

void emit(leaf_pointer self) {
  auto& st = self->state;
  auto& conn = *st.conn;
  conn.flush_deliveries();
  report_interest(self);
  if (auto reg = conn.take_registration())
    self->send(st.config.server, register_leaf_atom_v, st.config.lid, leaf_actor{self},
               std::move(*reg));
  if (auto urls = conn.take_urls(); urls && conn.role().solicited)
    self->send(st.config.server, leaf_urls_atom_v, static_cast<uint64_t>(conn.role().remote),
               std::move(*urls));
  auto chunks = conn.take_output(actor_now(self));
  if (!conn.closing() || conn.flush_before_close())
    for (auto& chunk : chunks)
      st.config.connection->write(std::move(chunk));
  if (conn.closing()) finish(self);
}

net::connection_timers leaf_timers(const connection_limits& limits) {
  net::connection_timers t;
  t.ping_interval = limits.ping_interval;
  t.first_ping = std::min<duration>(t.ping_interval, first_ping);
  t.write_check = write_deadline::check_interval(limits.write_deadline);
  return t;
}

struct leaf_traits {
  using pointer = leaf_pointer;
  using connection = leaf_connection;
  static void emit(pointer self) { gnatsd::emit(self); }
  static void finish(pointer self) { gnatsd::finish(self); }
  static net::connection_timers timers(const connection_limits& l) { return leaf_timers(l); }
  static void tls_done(leaf_connection& c, net::tls_outcome& tls) {
    c.tls_handshake_done(tls.error, tls.version, tls.cipher);
  }
  static void lose(leaf_connection& c, const std::string& reason) {
    c.lost(reason.empty() ? std::string{"Client Closed"} : reason);
  }
  static void snapshot_sent(pointer, leaf_connection&) {}
};

leaf_actor::behavior_type leaf_behavior(leaf_pointer self, leaf_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  auto& c = st.config;
  auto sub = std::make_shared<actor_subscriber<leaf_actor>>(c.lid, subscriber_kind::leaf,
                                                            leaf_actor{self});
  st.conn =
      std::make_unique<leaf_connection>(c.context, c.lid, c.connection->remote().host,
                                        c.connection->remote().port, c.role, sub, c.rng.fork());
  if (c.stats) st.conn->use_stats(c.stats);
  st.conn->set_now(actor_now(self));
  st.conn->start(c.leafnode_urls, c.connection->secured());
  auto timers = leaf_timers(*c.context->current_limits());
  const auto& leafnodes = c.context->current_options()->leafnodes;
  timers.auth_timeout = c.role.solicited ? std::chrono::duration_cast<duration>(handshake_wait)
                        : leafnodes.auth_timeout > duration::zero()
                            ? leafnodes.auth_timeout
                            : c.context->current_options()->authorization.timeout;
  c.connection->start(std::make_shared<connection_events<leaf_actor>>(leaf_actor{self}, sub),
                      read_credits, timers);
  emit(self);
  return peer_handlers<leaf_traits>(self);
}

}  // namespace

leaf_actor spawn_leaf(caf::actor_system& sys, leaf_config config) {
  return sys.spawn(leaf_behavior, std::move(config));
}

}  // namespace gnatsd
