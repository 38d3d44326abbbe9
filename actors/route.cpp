#include "actors/route.hpp"

#include <caf/all.hpp>

#include "actors/connection_bridge.hpp"
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

// The actor clock's time (the steady clock in production, virtual in the simulator).
duration now_of(route_pointer self) {
  return std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch());
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
  auto chunks = conn.take_output(now_of(self));
  if (!conn.closing() || conn.flush_before_close())
    for (auto& chunk : chunks)
      st.config.connection->write(std::move(chunk));
  if (conn.closing()) finish(self);
}

// The shape of most handlers: act on a live connection, then send what it produced.
template <class F>
void on_live(route_pointer self, F&& act) {
  auto& s = self->state;
  if (s.finished) return;
  act(*s.conn);
  emit(self);
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
  return {
      [=](net_bytes_atom, std::vector<char>& data) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->set_now(now_of(self));
        s.conn->receive(data.data(), data.size());
        emit(self);
        if (!s.finished) s.config.connection->resume_reading(std::move(data));
      },
      [=](net_tls_atom, net::tls_outcome& tls) {
        on_live(self, [&](route_connection& c) {
          c.tls_handshake_done(tls.error, tls.version, tls.cipher, tls.peer);
        });
      },
      [=](net_closed_atom, std::string& reason) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->refused(reason);
        finish(self);
      },
      [=](deliver_atom, std::vector<char>& bytes, uint64_t messages) {
        on_live(self, [&](route_connection& c) {
          c.deliver(delivery_batch{std::move(bytes), messages});
        });
      },
      [=](route_send_atom, std::string& bytes) {
        on_live(self, [&](route_connection& c) { c.send(bytes); });
      },
      [=](snapshot_atom, std::string& bytes) {
        on_live(self, [&](route_connection& c) {
          c.send(bytes);
          self->state.config.context->log->debugf(c.log_prefix() +
                                                  "Route sent local subscriptions");
        });
      },
      [=](registered_atom) { on_live(self, [](route_connection& c) { c.registered(); }); },
      [=](refused_atom, std::string& why) {
        on_live(self, [&](route_connection& c) { c.refused(why); });
      },
      [=](ping_timer_atom) {
        on_live(self, [&](route_connection& c) {
          c.set_now(now_of(self));
          c.ping_timer();
        });
      },
      [=](reload_atom) {
        // A reload changed the limits: the keepalive and write-deadline ticks follow them.
        auto& s = self->state;
        if (!s.finished)
          s.config.connection->set_timers(route_timers(*s.config.context->current_limits()));
      },
      [=](auth_timer_atom) { on_live(self, [](route_connection& c) { c.auth_timer(); }); },
      [=](deadline_timer_atom) {
        on_live(self, [&](route_connection& c) { c.write_deadline_check(now_of(self)); });
      },
      [=](shutdown_atom) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->refused("Server Shutdown");
        finish(self);
      },
  };
}

}  // namespace

route_actor spawn_route(caf::actor_system& sys, route_config config) {
  return sys.spawn(route_behavior, std::move(config));
}

}  // namespace gnatsd
