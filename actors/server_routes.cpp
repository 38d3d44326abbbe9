// The server actor's route plumbing: spawning route actors, dialling, and carrying out what
// cluster::membership decides (src/cluster/membership.hpp holds the decisions themselves).
#include <caf/all.hpp>

#include "actors/route.hpp"
#include "actors/server_state.hpp"
#include "actors/tls_settings.hpp"
#include "config/nats_url.hpp"

namespace gnatsd {

void spawn_route_actor(server_pointer self, net::connection_ptr conn, route_role role) {
  auto& st = self->state;
  route_config cfg;
  cfg.context = st.context;
  cfg.connection = std::move(conn);
  cfg.rid = st.next_rid++;
  cfg.role = std::move(role);
  cfg.local_info = st.members->local();
  cfg.rng = st.rng.fork();
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  cfg.stats = std::make_shared<connection_stats>();
  const uint64_t rid = cfg.rid;
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  auto route = spawn_route(self->system(), std::move(cfg));
  self->link_to(route);  // a route dies with its server (see the exit handler)
  st.route_actors.emplace(rid,
                          server_state::child<route_actor>{route, stats, remote.host, remote.port});
}

namespace {

void dial(server_pointer self, const cluster::dial_order& order) {
  nats_url url;
  parse_nats_url(order.url, url);  // membership dials only URLs that parse
  server_actor me{self};
  self->state.transport->dial(
      url.host, url.port, route_tls(*self->state.context->current_cluster_tls()),
      [me, url = order.url, role = order.role](net::connection_ptr conn, std::string error) {
        caf::anon_send(me, route_dialed_atom_v, url, role, std::move(conn), std::move(error));
      });
}

}  // namespace

void carry_out(server_pointer self, cluster::decisions out) {
  auto& st = self->state;
  for (const auto& order : out.dials)
    dial(self, order);
  for (auto& order : out.retries)
    self->delayed_send(self, order.delay, route_retry_atom_v, std::move(order.url),
                       std::move(order.role));
  for (auto& info : out.infos)
    if (auto it = st.route_actors.find(info.rid); it != st.route_actors.end())
      self->send(it->second.actor, route_send_atom_v, std::move(info.info));
  if (out.connect_urls_changed) announce_connect_urls(self);
}

void solicit(server_pointer self, const std::string& url, route_role role) {
  if (auto order = self->state.members->solicit(url, std::move(role))) dial(self, *order);
}

void on_dialed(server_pointer self, const std::string& url, const route_role& role,
               net::connection_ptr& conn, const std::string& error) {
  auto& st = self->state;
  // A failed dial always says why: an empty error means connected to membership.
  const std::string why = conn ? std::string{} : error.empty() ? "connection failed" : error;
  carry_out(self, st.members->dialed(url, role, why));
  if (conn) spawn_route_actor(self, std::move(conn), role);
}

void register_route(server_pointer self, uint64_t rid, route_actor& actor,
                    const proto::route_info& peer, const route_role& role,
                    const std::string& remote_host) {
  auto& st = self->state;
  auto out = st.members->admit(rid, peer, role, remote_host);
  if (!out.accepted) {
    self->send(actor, refused_atom_v, std::move(out.refusal));
    return;
  }
  self->send(actor, registered_atom_v);
  self->send(st.interest, add_route_atom_v, rid, actor);
  gateway_configs_to_route(self, actor);
  carry_out(self, std::move(out));
  refresh_gateway_urls(self);
}

void route_closed(server_pointer self, uint64_t rid, const std::string& peer_id,
                  const route_role& role) {
  auto& st = self->state;
  st.route_actors.erase(rid);
  carry_out(self, st.members->closed(rid, peer_id, role));
  refresh_gateway_urls(self);
  quit_when_empty(self);
}

void regossip(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  carry_out(self, st.members->regossip());
  // Gateways too: a server that gave up dialling a cluster it learned of (a cut link, say)
  // hears of it again and retries. nats-server tells a route only when it registers.
  for (const auto& m : st.members->members())  // registered routes only: never a peer that
    if (auto it = st.route_actors.find(m.rid); it != st.route_actors.end())  // has not logged in
      gateway_configs_to_route(self, it->second.actor);
  regossip_gateways(self);
  self->delayed_send(self, regossip_interval, regossip_atom_v);
}

}  // namespace gnatsd
