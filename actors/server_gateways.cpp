// The server actor's gateway plumbing: spawning gateway actors, dialling remote clusters,
// registering connections and carrying out what cluster::gateway_registry decides. The
// outbound connections are published in the server context, where publishers find the
// gateway a routed reply goes back over.
#include <algorithm>
#include <caf/all.hpp>

#include "actors/gateway.hpp"
#include "actors/server_state.hpp"
#include "actors/tls_settings.hpp"
#include "config/nats_url.hpp"
#include "routing/gateway_replies.hpp"

namespace gnatsd {
namespace {

void publish_outbound(server_pointer self) {
  auto& st = self->state;
  server_context::gateway_list list;
  bool optimistic = false;
  for (const auto& [gid, g] : st.outbound) {
    list.push_back(g);
    optimistic = optimistic || g.optimistic != nullptr;
  }
  st.context->set_outbound_gateways(std::move(list));
  st.context->optimistic_gateways.store(optimistic, std::memory_order_release);
}

net::tls_settings gateway_tls(const server_pointer self, const std::string& remote) {
  const auto options = self->state.context->current_options();
  for (const auto& r : options->gateway.gateways)
    if (r.name == remote && r.tls) return route_tls(*r.tls);
  return route_tls(options->gateway.tls);
}

// To registered routes only: a route that has not logged in yet hears nothing.
void send_to_routes(server_pointer self, const std::string& line) {
  auto& st = self->state;
  if (line.empty()) return;
  for (const auto& m : st.members->members())
    if (auto it = st.route_actors.find(m.rid); it != st.route_actors.end())
      self->send(it->second.actor, route_send_atom_v, line);
}

}  // namespace

void spawn_gateway_actor(server_pointer self, net::connection_ptr conn, gateway_role role) {
  auto& st = self->state;
  if (st.shutting_down) {
    conn->close(false);
    return;
  }
  gateway_config cfg;
  cfg.context = st.context;
  cfg.connection = std::move(conn);
  // Gateways take their ids from the clients' counter, as nats-server's "gid:N".
  cfg.gid = st.context->next_cid.fetch_add(1, std::memory_order_relaxed);
  cfg.role = std::move(role);
  cfg.local_info = st.gateway_info;
  cfg.rng = st.rng.fork();
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  cfg.stats = std::make_shared<connection_stats>();
  const uint64_t gid = cfg.gid;
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  auto gateway = spawn_gateway(self->system(), std::move(cfg));
  self->link_to(gateway);
  st.gateway_actors.emplace(
      gid, server_state::child<gateway_actor>{gateway, stats, remote.host, remote.port});
}

void solicit_gateways(server_pointer self) {
  auto& st = self->state;
  if (!st.gateways || st.shutting_down) return;
  for (const auto& d : st.gateways->solicit_configured())
    dial_gateway(self, d);
}

void dial_gateway(server_pointer self, const cluster::gateway_dial& d) {
  auto& st = self->state;
  if (!st.gateways || st.shutting_down || st.gateways->has_outbound(d.name)) return;
  nats_url url;
  if (!parse_nats_url(d.url, url)) {
    net::connection_ptr none;
    on_gateway_dialed(self, d, none, "invalid URL");
    return;
  }
  st.gateways->dialing(d);
  server_actor me{self};
  st.transport->dial(url.host, url.port, gateway_tls(self, d.name),
                     [me, d](net::connection_ptr conn, std::string error) {
                       caf::anon_send(me, gateway_dialed_atom_v, d, std::move(conn),
                                      std::move(error));
                     });
}

void on_gateway_dialed(server_pointer self, const cluster::gateway_dial& d,
                       net::connection_ptr& conn, const std::string& error) {
  auto& st = self->state;
  if (!st.gateways) return;
  if (conn) {
    gateway_role role;
    role.outbound = true;
    role.name = d.name;
    role.implicit = d.implicit;
    role.url = d.url;
    spawn_gateway_actor(self, std::move(conn), std::move(role));
    return;
  }
  const auto next = st.gateways->dial_ended(d, error.empty() ? "connection failed" : error);
  if (!next) return;
  if (next->delay > duration::zero()) {
    self->delayed_send(self, next->delay, gateway_dial_atom_v, *next);
  } else {
    dial_gateway(self, *next);
  }
}

void register_gateway(server_pointer self, uint64_t gid, gateway_actor& actor,
                      const proto::gateway_info& peer, bool outbound, const std::string& name,
                      gateway_link link) {
  auto& st = self->state;
  if (!st.gateways) return;
  if (outbound) {
    if (!st.gateways->register_outbound(name, gid)) {
      self->send(actor, refused_atom_v, std::string{"Wrong Gateway"});
      return;
    }
    self->send(actor, registered_atom_v);
    st.outbound[gid] =
        server_context::outbound_gateway{name, gateway_reply::hash(name), std::move(link.sub),
                                         std::move(link.optimistic), std::move(link.sentinel)};
    publish_outbound(self);
    // Every server of our cluster must reach that cluster too.
    send_to_routes(
        self, st.gateways->route_gossip_for(name, st.context->server_id, st.context->server_name));
    return;
  }
  st.gateways->register_inbound(gid, name);
  self->send(actor, registered_atom_v);
  self->send(st.interest, add_gateway_atom_v, gid, actor);
  // The clusters we know, so the dialler's server learns them all from this one seed.
  for (auto& line : st.gateways->gossip_for(name, st.context->server_id))
    self->send(actor, route_send_atom_v, std::move(line));
  // And our own outbound to the dialler's cluster, if we have none yet.
  if (auto d = st.gateways->learned(name, peer.gateway_urls)) dial_gateway(self, *d);
}

void gateway_learned(server_pointer self, const proto::gateway_info& info) {
  auto& st = self->state;
  if (!st.gateways) return;
  if (auto d = st.gateways->learned(info.gateway, info.gateway_urls)) dial_gateway(self, *d);
}

void gateway_closed(server_pointer self, uint64_t gid, bool outbound, const std::string& name,
                    bool no_redial) {
  auto& st = self->state;
  st.gateway_actors.erase(gid);
  if (st.outbound.erase(gid) != 0) publish_outbound(self);
  if (st.gateways && !st.shutting_down)
    if (auto d = st.gateways->closed(gid, outbound, name, no_redial))
      self->delayed_send(self, d->delay, gateway_dial_atom_v, *d);
  quit_when_empty(self);
}

void gateway_configs_to_route(server_pointer self, route_actor& route) {
  auto& st = self->state;
  if (!st.gateways) return;
  for (auto& line : st.gateways->route_gossip(st.context->server_id, st.context->server_name))
    self->send(route, route_send_atom_v, std::move(line));
}

}  // namespace gnatsd

namespace gnatsd {

void refresh_gateway_urls(server_pointer self) {
  auto& st = self->state;
  if (!st.gateways) return;
  std::vector<std::string> urls{st.gateway_info.gateway_url};
  for (const auto& m : st.members->members())
    if (!m.info.gateway_url.empty() &&
        std::find(urls.begin(), urls.end(), m.info.gateway_url) == urls.end())
      urls.push_back(m.info.gateway_url);
  if (urls == st.gateway_info.gateway_urls) return;
  st.gateway_info.gateway_urls = std::move(urls);
  // Inbound gateways hear the new list (nats-server's sendAsyncGatewayInfo).
  const std::string info = proto::encode_gateway_info(st.gateway_info);
  for (const auto& [gid, name] : st.gateways->inbound())
    if (auto it = st.gateway_actors.find(gid); it != st.gateway_actors.end())
      self->send(it->second.actor, route_send_atom_v, info);
}

void regossip_gateways(server_pointer self) {
  auto& st = self->state;
  if (!st.gateways) return;
  for (const auto& [gid, name] : st.gateways->inbound()) {
    const auto it = st.gateway_actors.find(gid);
    if (it == st.gateway_actors.end()) continue;
    for (auto& line : st.gateways->gossip_for(name, st.context->server_id, true))
      self->send(it->second.actor, route_send_atom_v, std::move(line));
  }
}

}  // namespace gnatsd
