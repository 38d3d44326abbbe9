// Superclusters in the simulator: clusters joined by gateways (scenario_plan::cluster_of and
// ::gateways). How a server of a simulated supercluster is configured, which servers a
// message reaches (routes inside a cluster; one outbound gateway, then one route, across),
// and the liveness invariants of gateways after the heal phase:
//   - every live server has exactly one outbound gateway to every other cluster;
//   - what each outbound gateway holds of the remote cluster's interest is exactly what the
//     live servers of that cluster announce (their clients', the system account's and the
//     service exports' response subscriptions), each once.
// The safety invariants (a gateway carries only messages published on its sending server:
// never from a route or another gateway; at most once per message) are checked on every
// read by the invariant checker.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "sim/scenario_plan.hpp"
#include "sim/sim_network.hpp"

namespace gnatsd::sim {

class world;

inline constexpr int gateway_port = 7222;

inline bool is_supercluster(const scenario_plan& p) {
  return !p.cluster_of.empty() && p.leaf_remotes.empty();
}
/// The cluster (and gateway) name of server `i`: "C<k>".
std::string cluster_name(const scenario_plan& p, int i);
/// The cluster and gateway blocks of server `i` of a supercluster.
void configure_supercluster(const scenario_plan& p, int i, server_options& o);

/// Whether a message published on server `from` reaches the clients of server `to` now.
bool reaches(const scenario_plan& p, const sim_network& net, int from, int to);

/// The first broken gateway liveness invariant, or an empty string. `up(i)`: server i runs.
std::string check_gateway_mesh(const scenario_plan& p, const sim_network& net,
                               const std::function<bool(int)>& up);
/// `announced[i]`: what server i tells routes ("account|subject|queue" keys).
std::string check_gateway_interest(const scenario_plan& p, world& w,
                                   const std::vector<std::multiset<std::string>>& announced,
                                   const std::function<bool(int)>& up);

}  // namespace gnatsd::sim
