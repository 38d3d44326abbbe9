#include "actors/route.hpp"

#include <caf/all.hpp>

#include "actors/connection_bridge.hpp"
#include "actors/peer_actor.hpp"
#include "connection/route_connection.hpp"

namespace gnatsd {
namespace {

constexpr int read_credits = 2;
constexpr auto first_ping = std::chrono::seconds{1};

struct route_state {
  route_config config;
  std::unique_ptr<route_connection> conn;
  bool finished = false;
};

using route_pointer = route_actor::stateful_pointer<route_state>;

void finish(route_pointer self) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.conn->cleanup();
  if (auto changes = st.conn->take_cluster_interest(); !changes.empty())
    self->send(st.config.interest, cluster_interest_atom_v, std::move(changes));
  self->send(st.config.interest, remove_route_atom_v, st.config.rid);
  st.config.context->log->debugf(st.conn->log_prefix() +
                                 "Route connection closed: " + st.conn->close_reason());
  st.config.connection->close(st.conn->flush_before_close());
  self->send(st.config.server, route_closed_atom_v, st.config.rid, st.conn->peer().server_id,
             st.config.role);
  self->quit();
}

// Emits everything the connection produced during this turn.
void emit(route_pointer self) {
  auto& st = self->state;
  auto& conn = *st.conn;
  conn.flush_deliveries();
  if (auto reg = conn.take_registration())
    self->send(st.config.server, register_route_atom_v, st.config.rid, route_actor{self},
               std::move(*reg), st.config.role, conn.remote_host());
  for (auto& info : conn.take_gossip())
    self->send(st.config.server, learned_route_atom_v, info);
  for (auto& info : conn.take_gateway_gossip()) {
    proto::gateway_info g;
    g.gateway = std::move(info.gateway);
    g.gateway_urls = std::move(info.gateway_urls);
    self->send(st.config.server, gateway_learned_atom_v, std::move(g));
  }
  if (auto changes = conn.take_cluster_interest(); !changes.empty())
    self->send(st.config.interest, cluster_interest_atom_v, std::move(changes));
  auto chunks = conn.take_output(actor_now(self));
  if (!conn.closing() || conn.flush_before_close())
    for (auto& chunk : chunks)
      st.config.connection->write(std::move(chunk));
  if (conn.closing()) finish(self);
}

// Keepalive and write-deadline ticks, run by the connection: the first PING after a second
// (nats-server's first route ping), then every ping_interval in force.
net::connection_timers route_timers(const connection_limits& limits) {
  net::connection_timers t;
  t.first_ping = std::min<duration>(limits.ping_interval, first_ping);
  t.ping_interval = limits.ping_interval;
  t.write_check = write_deadline::check_interval(limits.write_deadline);
  return t;
}

struct route_traits {
  using pointer = route_pointer;
  using connection = route_connection;
  static void emit(pointer self) { gnatsd::emit(self); }
  static void finish(pointer self) { gnatsd::finish(self); }
  static net::connection_timers timers(const connection_limits& l) { return route_timers(l); }
  static void tls_done(route_connection& c, net::tls_outcome& tls) {
    c.tls_handshake_done(tls.error, tls.version, tls.cipher, tls.peer);
  }
  static void lose(route_connection& c, const std::string& reason) { c.refused(reason); }
  static void snapshot_sent(pointer self, route_connection& c) {
    self->state.config.context->log->debugf(c.log_prefix() + "Route sent local subscriptions");
  }
};

route_actor::behavior_type route_behavior(route_pointer self, route_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  auto& c = st.config;
  auto sub = std::make_shared<actor_subscriber<route_actor>>(c.rid, true, route_actor{self});
  st.conn =
      std::make_unique<route_connection>(c.context, c.rid, c.connection->remote().host,
                                         c.connection->remote().port, c.role, sub, c.rng.fork());
  if (c.stats) st.conn->use_stats(c.stats);
  st.conn->start(c.local_info, c.connection->secured());
  auto timers = route_timers(*c.context->current_limits());
  if (st.conn->awaiting_auth())
    timers.auth_timeout = c.context->current_options()->cluster.authorization.timeout;
  c.connection->start(std::make_shared<connection_events<route_actor>>(route_actor{self}, sub),
                      read_credits, timers);
  emit(self);
  return peer_handlers<route_traits>(self);
}

}  // namespace

route_actor spawn_route(caf::actor_system& sys, route_config config) {
  return sys.spawn(route_behavior, std::move(config));
}

}  // namespace gnatsd
