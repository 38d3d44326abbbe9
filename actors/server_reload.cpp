// Config reload in the server actor. What a reload can change live (the program has refused
// everything else before sending it): log levels, authorization (every session re-checks its
// client), limits, TLS for new connections, and the routes to solicit.
#include <caf/all.hpp>

#include "actors/server_state.hpp"
#include "actors/tls_settings.hpp"

namespace gnatsd {
namespace {

// Logs each changed limit as nats-server does ("Reloaded: max_payload = 100").
void log_limit_changes(logger& log, const connection_limits& a, const connection_limits& b) {
  auto note = [&](const char* name, auto old_value, auto new_value, std::string text) {
    if (old_value != new_value) log.info(std::string{"Reloaded: "} + name + " = " + text);
  };
  note("max_payload", a.max_payload, b.max_payload, std::to_string(b.max_payload));
  note("max_control_line", a.max_control_line, b.max_control_line,
       std::to_string(b.max_control_line));
  note("max_pending", a.max_pending, b.max_pending, std::to_string(b.max_pending));
  note("max_subscriptions", a.max_subscriptions, b.max_subscriptions,
       std::to_string(b.max_subscriptions));
  note("max_connections", a.max_connections, b.max_connections, std::to_string(b.max_connections));
  note("ping_interval", a.ping_interval.count(), b.ping_interval.count(),
       format_go_duration(b.ping_interval));
  note("ping_max", a.ping_max, b.ping_max, std::to_string(b.ping_max));
  note("write_deadline", a.write_deadline.count(), b.write_deadline.count(),
       format_go_duration(b.write_deadline));
}

// A lower max_connections closes the newest clients over it, with nats-server's -ERR.
void enforce_connection_limit(server_pointer self, int max_connections) {
  auto& sessions = self->state.sessions;
  if (max_connections <= 0 || sessions.size() <= static_cast<size_t>(max_connections)) return;
  size_t excess = sessions.size() - static_cast<size_t>(max_connections);
  for (auto it = sessions.rbegin(); it != sessions.rend() && excess > 0; ++it, --excess)
    self->send(it->second.actor, over_limit_atom_v);
}

// TLS for the connections the client and route ports accept from now on, and for the routes
// we dial (rotated certificates, or TLS turned on or off); open connections keep theirs. Both
// listeners change or neither: false, with the reason logged, if a certificate does not load,
// and then nothing of the reload is applied.
bool reload_tls(server_pointer self, const server_options& fresh) {
  auto& st = self->state;
  auto& ctx = *st.context;
  const auto bound = ctx.current_options();
  const bool client_changed = !(fresh.tls == *ctx.current_tls());
  const bool cluster_changed = !(fresh.cluster.tls == *ctx.current_cluster_tls());
  std::vector<std::pair<int, net::tls_settings>> listeners;
  if (client_changed) listeners.emplace_back(bound->port, client_tls(fresh));
  if (cluster_changed && bound->cluster.port > 0)
    listeners.emplace_back(bound->cluster.port, route_tls(fresh));
  std::string error;
  if (!listeners.empty() && !st.transport->set_listener_tls(listeners, error)) {
    ctx.log->error("Failed to reload server configuration: " + error);
    return false;
  }
  if (client_changed) {
    ctx.set_tls(fresh.tls);
    ctx.log->info(std::string{"Reloaded: tls = "} + (fresh.tls.enabled ? "enabled" : "disabled"));
  }
  if (cluster_changed) {
    ctx.set_cluster_tls(fresh.cluster.tls);
    st.members->set_tls_required(fresh.cluster.tls.enabled);
    ctx.log->info("Reloaded: cluster");
  }
  return true;
}

}  // namespace

void reload(server_pointer self, const server_options& fresh) {
  auto& st = self->state;
  if (st.shutting_down || !reload_tls(self, fresh)) return;
  auto& ctx = *st.context;
  ctx.log->debug = fresh.debug;
  ctx.log->trace = fresh.trace;
  ctx.set_auth(fresh.authorization);
  const auto limits = limits_of(fresh);
  log_limit_changes(*ctx.log, *ctx.current_limits(), limits);
  ctx.set_limits(limits);
  // The reloaded options, with the ports actually bound ("-p -1" picked one).
  const auto bound = ctx.current_options();
  server_options in_force = fresh;
  in_force.port = bound->port;
  in_force.cluster.port = bound->cluster.port;
  in_force.http_port = bound->http_port;
  in_force.https_port = bound->https_port;
  in_force.gateway.port = bound->gateway.port;
  if (in_force.gateway.enabled() && in_force.cluster.name.empty())
    in_force.cluster.name = in_force.gateway.name;
  ctx.set_options(std::move(in_force));
  if (auto changes = ctx.accounts.take_interest_changes(); !changes.empty())
    self->send(st.interest, interest_atom_v, std::move(changes));
  enforce_connection_limit(self, limits.max_connections);
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, reload_atom_v);
  for (auto& [rid, route] : st.route_actors)
    self->send(route.actor, reload_atom_v);
  // The system account may have been renamed, added or removed.
  if (st.system)
    self->send(st.system, reload_atom_v);
  else
    start_system_service(self);
  carry_out(self, st.members->reload(fresh.cluster.routes, fresh.cluster.connect_retries));
  ctx.log->info("Reloaded server configuration");
}

}  // namespace gnatsd
