// What a simulated server holds of interest, for the convergence checks after the heal phase
// (cluster_scenario.cpp, supercluster.cpp, leafnodes.cpp): keys "account|subject|queue".
#pragma once

#include <set>
#include <string>

namespace gnatsd::sim {

class world;

using interest = std::multiset<std::string>;

struct server_holdings {
  interest local;      // its clients' subscriptions
  interest announced;  // what it tells routes: those, the system account's and service
                       // exports' response subscriptions, and its leafnodes' interest
  interest remote;     // what its routes told it ("|weight" appended)
};

/// What server `s` of world `w` holds now.
server_holdings holdings_of(world& w, int s);

/// What a peer must be told about `local`: each subject once ("|1"), each queue group with
/// its member count as weight.
interest summary(const interest& local);

}  // namespace gnatsd::sim
