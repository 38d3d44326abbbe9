#include "actors/gateway.hpp"

#include <caf/all.hpp>

#include "actors/connection_bridge.hpp"
#include "actors/peer_actor.hpp"

namespace gnatsd {
namespace {

constexpr int read_credits = 2;
// nats-server pings gateways every ping_interval, at most every 15 s (gwMaxPingInterval),
// the first time after a second.
constexpr auto first_ping = std::chrono::seconds{1};
constexpr auto max_ping_interval = std::chrono::seconds{15};

struct gateway_state {
  gateway_config config;
  std::unique_ptr<gateway_connection> conn;
  bool finished = false;
};

using gateway_pointer = gateway_actor::stateful_pointer<gateway_state>;

void report_interest(gateway_pointer self) {
  auto& st = self->state;
  if (auto changes = st.conn->take_interest(); !changes.empty())
    self->send(st.config.interest, cluster_interest_atom_v, std::move(changes));
}

void finish(gateway_pointer self) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.conn->cleanup();
  report_interest(self);
  if (!st.conn->role().outbound)
    self->send(st.config.interest, remove_gateway_atom_v, st.config.gid);
  st.config.context->log->info(st.conn->log_prefix() +
                               "Gateway connection closed: " + st.conn->close_reason());
  st.config.connection->close(st.conn->flush_before_close());
  self->send(st.config.server, gateway_closed_atom_v, st.config.gid, st.conn->role().outbound,
             st.conn->remote_name(), st.conn->no_redial());
  self->quit();
}

void emit(gateway_pointer self) {
  auto& st = self->state;
  auto& conn = *st.conn;
  conn.flush_deliveries();
  report_interest(self);
  if (auto reg = conn.take_registration())
    self->send(st.config.server, register_gateway_atom_v, st.config.gid, gateway_actor{self},
               std::move(*reg), conn.role().outbound, conn.remote_name(), conn.link());
  for (auto& info : conn.take_learned())
    self->send(st.config.server, gateway_learned_atom_v, std::move(info));
  auto chunks = conn.take_output(actor_now(self));
  if (!conn.closing() || conn.flush_before_close())
    for (auto& chunk : chunks)
      st.config.connection->write(std::move(chunk));
  if (conn.closing()) finish(self);
}

net::connection_timers gateway_timers(const connection_limits& limits) {
  net::connection_timers t;
  t.ping_interval = std::min<duration>(limits.ping_interval, max_ping_interval);
  t.first_ping = std::min<duration>(t.ping_interval, first_ping);
  t.write_check = write_deadline::check_interval(limits.write_deadline);
  return t;
}

struct gateway_traits {
  using pointer = gateway_pointer;
  using connection = gateway_connection;
  static void emit(pointer self) { gnatsd::emit(self); }
  static void finish(pointer self) { gnatsd::finish(self); }
  static net::connection_timers timers(const connection_limits& l) { return gateway_timers(l); }
  static void tls_done(gateway_connection& c, net::tls_outcome& tls) {
    c.tls_handshake_done(tls.error, tls.version, tls.cipher);
  }
  static void lose(gateway_connection& c, const std::string& reason) {
    c.lost(reason.empty() ? std::string{"Client Closed"} : reason);
  }
  static void snapshot_sent(pointer self, gateway_connection& c) {
    self->state.config.context->log->debugf(c.log_prefix() + "Sent queue subscriptions to gateway");
  }
};

gateway_actor::behavior_type gateway_behavior(gateway_pointer self, gateway_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  auto& c = st.config;
  auto sub = std::make_shared<actor_subscriber<gateway_actor>>(c.gid, subscriber_kind::gateway,
                                                               gateway_actor{self});
  st.conn =
      std::make_unique<gateway_connection>(c.context, c.gid, c.connection->remote().host,
                                           c.connection->remote().port, c.role, sub, c.rng.fork());
  if (c.stats) st.conn->use_stats(c.stats);
  st.conn->set_now(actor_now(self));
  st.conn->start(c.local_info, c.connection->secured());
  auto timers = gateway_timers(*c.context->current_limits());
  if (st.conn->awaiting_connect())
    timers.auth_timeout = c.context->current_options()->gateway.authorization.timeout;
  c.connection->start(std::make_shared<connection_events<gateway_actor>>(gateway_actor{self}, sub),
                      read_credits, timers);
  emit(self);
  return peer_handlers<gateway_traits>(self);
}

}  // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_config config) {
  return sys.spawn(gateway_behavior, std::move(config));
}

}  // namespace gnatsd
