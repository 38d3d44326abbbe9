// The coverage counters a campaign must reach (sim/cluster_scenario.hpp): each names a
// situation the checks only mean something in, so a campaign that never met it fails.
#include "sim/cluster_scenario.hpp"

#include <algorithm>

namespace gnatsd::sim {

std::vector<std::string> required_coverage(fault_mode mode, bool supercluster, bool leafnodes) {
  std::vector<std::string> need{
      "message crossed a route", "route read split a control line",
      "client read split a control line",
      // The client protocol beyond SUB/PUB (protocol_workload).
      "header delivered intact", "header stripped for a client without headers",
      "reply reached its requester", "auto-unsubscribe limit reached",
      "flush barrier probed after SUB", "flush barrier probed after UNSUB",
      // Accounts: clients of A and B beside $G, on every server (isolation is checked on
      // every delivery).
      "message delivered in account A or B"};
  if (leafnodes) {
    // Leafnodes bind the global account only: no client logs in to A or B.
    need.erase(std::remove(need.begin(), need.end(), "message delivered in account A or B"),
               need.end());
  }
  if (mode != fault_mode::none) {
    need.push_back("slow dial");
    // Cluster safety: servers that stop reading or read slowly, backlogs that reach the
    // bound's neighbourhood, and unauthenticated peers at route ports that require a login.
    need.push_back("stuck reader");
    need.push_back("slow reader");
    need.push_back("write waited for the receive window");
    need.push_back("outbound bytes past half the bound");
    need.push_back("hostile peer attacked");
  }
  if (supercluster) {
    // Messages cross gateways, reach the far cluster's other servers over its routes, and
    // replies come back routed ("_GR_.") to the requester's server.
    need.push_back("message crossed a gateway");
    need.push_back("message from another cluster crossed a route");
    need.push_back("routed reply crossed a gateway");
  }
  if (leafnodes) {
    // Messages cross leafnode links both ways and go on over the hub cluster's routes.
    need.push_back("message crossed a leafnode to its hub");
    need.push_back("message crossed a leafnode from its hub");
    need.push_back("message from another cluster crossed a route");
  }
  if (mode == fault_mode::full) {
    need.push_back("route re-established after a cut or partition");
    need.push_back("route to a restarted server (new id)");
    need.push_back("half-open connection closed");
    need.push_back("dial refused");
  }
  return need;
}

}  // namespace gnatsd::sim
