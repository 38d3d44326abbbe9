// Leafnodes in the simulator: a hub cluster (cluster 0 of scenario_plan::cluster_of) and one
// or two leaf clusters whose servers each dial the hub as a leaf (scenario_plan::leaf_remotes:
// the hub servers of its one remote, tried in turn). How such a server is configured, which
// servers a message reaches, and the liveness invariants of leafnodes after the heal phase:
//   - every live leaf server has exactly one leafnode connection, to a hub server of its
//     remote (it reconnects to another when its hub goes down);
//   - what each hub server holds of its leafnodes' interest is exactly what those leaf
//     servers announce (their clients' subscriptions, queue weights included, their loop
//     detection subject and the subjects of their service imports), each once.
// The safety invariants (no loops: a leafnode link never brings a message back into the
// cluster it was published in; a leaf sends its hub only its own clients' messages; each
// link carries a message at most once) are checked on every read by the invariant checker.
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

inline constexpr int leaf_port = 7422;

inline bool has_leafnodes(const scenario_plan& p) {
  return !p.leaf_remotes.empty();
}
inline bool is_hub(const scenario_plan& p, int i) {
  return p.cluster_of[static_cast<size_t>(i)] == 0;
}

/// The cluster and leafnodes blocks of server `i` of a hub-and-leafs topology.
void configure_leafnodes(const scenario_plan& p, int i, server_options& o);

/// Whether a message published on `from` reaches the clients of `to` now.
bool leaf_reaches(const scenario_plan& p, const sim_network& net, int from, int to);

/// The first broken leafnode liveness invariant, or an empty string.
std::string check_leaf_links(const scenario_plan& p, const sim_network& net,
                             const std::function<bool(int)>& up);
/// `announced[i]`: what server i tells routes ("account|subject|queue" keys).
std::string check_leaf_interest(const scenario_plan& p, world& w, const sim_network& net,
                                const std::vector<std::multiset<std::string>>& announced,
                                const std::function<bool(int)>& up);

}  // namespace gnatsd::sim
