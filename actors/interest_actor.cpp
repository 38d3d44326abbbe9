#include "actors/interest_actor.hpp"

#include <caf/all.hpp>
#include <map>

#include "routing/gateway_interest.hpp"
#include "routing/interest_table.hpp"
#include "routing/leaf_interest.hpp"

namespace gnatsd {
namespace {

struct interest_state {
  server_context_ptr context;
  interest_table interest;
  std::map<uint64_t, route_actor> routes;  // registered routes, by rid
  // With a gateway: the whole cluster's interest, and the inbound gateways that hear it.
  gateway_interest cluster;
  std::map<uint64_t, gateway_actor> gateways;  // by gid
  // With leafnodes: every subscription of every source, and what each leafnode was told.
  leaf_interest leaf;
  std::map<uint64_t, leaf_actor> leafs;  // by lid
};

using interest_pointer = interest_actor::stateful_pointer<interest_state>;

void tell_gateways(interest_pointer self, const std::vector<interest_change>& changes) {
  auto& st = self->state;
  if (!st.context->gateways_enabled()) return;
  const std::string lines = st.cluster.apply(changes);
  if (lines.empty()) return;
  for (auto& [gid, gateway] : st.gateways)
    self->send(gateway, route_send_atom_v, lines);
}

void tell_leafs(interest_pointer self, const std::vector<interest_change>& changes) {
  auto& st = self->state;
  if (!st.context->leafnodes_enabled) return;
  for (auto& [lid, lines] : st.leaf.apply(changes))
    if (auto it = st.leafs.find(lid); it != st.leafs.end())
      self->send(it->second, route_send_atom_v, std::move(lines));
}

void tell_routes(interest_pointer self, const std::vector<interest_change>& changes) {
  auto& st = self->state;
  const std::string lines = st.interest.apply(changes);
  if (lines.empty()) return;
  // Every route hears the transitions in the order they happened: this actor is the only
  // sender of interest to routes, and CAF keeps one sender's messages in order.
  for (auto& [rid, route] : st.routes)
    self->send(route, route_send_atom_v, lines);
}

// Every account this server has: each is switched to interest-only mode on a new gateway.
std::vector<std::string> account_names(const server_context& ctx) {
  std::vector<std::string> names;
  for (const auto& acc : ctx.accounts.all())
    names.push_back(acc->name());
  return names;
}

interest_actor::behavior_type interest_behavior(interest_pointer self, server_context_ptr context) {
  self->state.context = std::move(context);
  // The options stay held while read: start-up and reloads replace them on other threads.
  if (const auto options = self->state.context->current_options(); options->cluster.permissions)
    self->state.interest.set_import_filter(
        std::make_shared<const permission_checker>(*options->cluster.permissions));
  return {
      [=](interest_atom, std::vector<interest_change>& changes) {
        // Local clients' and leafnodes' interest: routes hear what is theirs to hear (the
        // interest table skips other sources), other clusters and leafnodes the rest.
        tell_gateways(self, changes);
        tell_leafs(self, changes);
        tell_routes(self, changes);
      },
      [=](add_route_atom, uint64_t rid, route_actor route) {
        // The full local interest first, then every later change: all from this actor.
        self->send(route, snapshot_atom_v, self->state.interest.snapshot());
        self->state.routes[rid] = std::move(route);
      },
      [=](remove_route_atom, uint64_t rid) { self->state.routes.erase(rid); },
      [=](cluster_interest_atom, std::vector<interest_change>& changes) {
        // Routes' peers' and other clusters' interest: never told to routes.
        tell_gateways(self, changes);
        tell_leafs(self, changes);
      },
      [=](add_leaf_atom, uint64_t lid, leaf_actor leaf, leaf_audience& audience) {
        auto& st = self->state;
        audience.lid = lid;
        self->send(leaf, snapshot_atom_v, st.leaf.add(std::move(audience)));
        st.leafs[lid] = std::move(leaf);
      },
      [=](remove_leaf_atom, uint64_t lid) {
        auto& st = self->state;
        st.leafs.erase(lid);
        for (auto& [other, lines] : st.leaf.remove(lid))
          if (auto it = st.leafs.find(other); it != st.leafs.end())
            self->send(it->second, route_send_atom_v, std::move(lines));
      },
      [=](add_gateway_atom, uint64_t gid, gateway_actor gateway) {
        auto& st = self->state;
        self->send(gateway, snapshot_atom_v,
                   st.cluster.snapshot(account_names(*st.context), st.context->gateway_name));
        st.gateways[gid] = std::move(gateway);
      },
      [=](remove_gateway_atom, uint64_t gid) { self->state.gateways.erase(gid); },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.interest.keys()); },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

interest_actor spawn_interest_actor(caf::actor_system& sys, server_context_ptr context) {
  return sys.spawn(interest_behavior, std::move(context));
}

}  // namespace gnatsd
