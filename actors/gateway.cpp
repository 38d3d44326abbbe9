#include "actors/gateway.hpp"

#include <caf/all.hpp>

#include "actors/connection_bridge.hpp"

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

duration now_of(gateway_pointer self) {
  return std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch());
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
  auto chunks = conn.take_output(now_of(self));
  if (!conn.closing() || conn.flush_before_close())
    for (auto& chunk : chunks)
      st.config.connection->write(std::move(chunk));
  if (conn.closing()) finish(self);
}

template <class F>
void on_live(gateway_pointer self, F&& act) {
  auto& s = self->state;
  if (s.finished) return;
  act(*s.conn);
  emit(self);
}

net::connection_timers gateway_timers(const connection_limits& limits) {
  net::connection_timers t;
  t.ping_interval = std::min<duration>(limits.ping_interval, max_ping_interval);
  t.first_ping = std::min<duration>(t.ping_interval, first_ping);
  t.write_check = write_deadline::check_interval(limits.write_deadline);
  return t;
}

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
  st.conn->set_now(now_of(self));
  st.conn->start(c.local_info, c.connection->secured());
  auto timers = gateway_timers(*c.context->current_limits());
  if (st.conn->awaiting_connect())
    timers.auth_timeout = c.context->current_options()->gateway.authorization.timeout;
  c.connection->start(std::make_shared<connection_events<gateway_actor>>(gateway_actor{self}, sub),
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
        on_live(self, [&](gateway_connection& g) {
          g.tls_handshake_done(tls.error, tls.version, tls.cipher);
        });
      },
      [=](net_closed_atom, std::string& reason) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->lost(reason.empty() ? std::string{"Client Closed"} : reason);
        finish(self);
      },
      [=](deliver_atom, std::vector<char>& bytes, uint64_t messages) {
        on_live(self, [&](gateway_connection& g) {
          g.deliver(delivery_batch{std::move(bytes), messages});
        });
      },
      [=](route_send_atom, std::string& bytes) {
        on_live(self, [&](gateway_connection& g) { g.send(bytes); });
      },
      [=](snapshot_atom, std::string& bytes) {
        on_live(self, [&](gateway_connection& g) {
          g.send(bytes);
          self->state.config.context->log->debugf(g.log_prefix() +
                                                  "Sent queue subscriptions to gateway");
        });
      },
      [=](registered_atom) { on_live(self, [](gateway_connection& g) { g.registered(); }); },
      [=](refused_atom, std::string& why) {
        on_live(self, [&](gateway_connection& g) { g.refused(why); });
      },
      [=](ping_timer_atom) {
        on_live(self, [&](gateway_connection& g) {
          g.set_now(now_of(self));
          g.ping_timer();
        });
      },
      [=](reload_atom) {
        auto& s = self->state;
        if (!s.finished)
          s.config.connection->set_timers(gateway_timers(*s.config.context->current_limits()));
      },
      [=](auth_timer_atom) { on_live(self, [](gateway_connection& g) { g.auth_timer(); }); },
      [=](deadline_timer_atom) {
        on_live(self, [&](gateway_connection& g) { g.write_deadline_check(now_of(self)); });
      },
      [=](shutdown_atom) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->lost("Server Shutdown");
        finish(self);
      },
  };
}

}  // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_config config) {
  return sys.spawn(gateway_behavior, std::move(config));
}

}  // namespace gnatsd
