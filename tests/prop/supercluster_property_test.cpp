// Properties of simulated superclusters: 2-4 clusters of 1-5 servers (12 at most), routes inside
// each cluster (a random tree plus extras), gateway seeds that connect the clusters (each cluster
// after the first lists a server of an earlier one, plus arbitrary extra seeds); the rest
// is learned by gossip. Every run checks the invariant list of sim/invariant_checker.hpp and
// sim/supercluster.hpp: a gateway carries only its server's own messages, once; a message
// from another cluster goes one route hop at most; each outbound gateway holds exactly the
// remote cluster's interest; every message reaches every subscription and queue group of
// the supercluster exactly once in the calm windows.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "plan_generators.hpp"

namespace gnatsd::sim {
namespace {

void any_supercluster(scenario_plan& p) {
  const int clusters = *rc::gen::inRange(2, 5);
  std::vector<std::vector<int>> members(static_cast<size_t>(clusters));
  for (int k = 0; k < clusters; ++k) {
    // 1-5 servers each, 12 at most in all (one kept for each cluster still to come).
    const int room = 12 - static_cast<int>(p.cluster_of.size()) - (clusters - 1 - k);
    for (int n = std::min(*rc::gen::inRange(1, 6), room); n > 0; --n) {
      members[static_cast<size_t>(k)].push_back(static_cast<int>(p.cluster_of.size()));
      p.cluster_of.push_back(k);
    }
  }
  p.servers = static_cast<int>(p.cluster_of.size());
  p.routes.assign(static_cast<size_t>(p.servers), {});
  p.gateways.assign(static_cast<size_t>(p.servers), {});
  for (const auto& m : members)
    for (size_t i = 1; i < m.size(); ++i)
      p.routes[static_cast<size_t>(m[i])].push_back(m[*rc::gen::inRange<size_t>(0, i)]);
  auto any_member = [&](int k) {
    const auto& m = members[static_cast<size_t>(k)];
    return m[*rc::gen::inRange<size_t>(0, m.size())];
  };
  for (int k = 1; k < clusters; ++k)
    p.gateways[static_cast<size_t>(any_member(k))].push_back(any_member(*rc::gen::inRange(0, k)));
  const auto extra =
      *rc::gen::resize(3, rc::gen::container<std::vector<std::pair<int, int>>>(
                              rc::gen::pair(rc::gen::inRange(0, 12), rc::gen::inRange(0, 12))));
  for (auto [a, b] : extra)
    p.gateways[static_cast<size_t>(a % p.servers)].push_back(b % p.servers);
  for (int i = 0; i < p.servers; ++i)
    p.start_gaps_ns.push_back(*rc::gen::inRange(0, 1500) * millisecond);
  p.world_seed = *rc::gen::noShrink(rc::gen::arbitrary<uint64_t>());
}

RC_GTEST_PROP(SuperclusterProperty, EveryClusterReachesEveryOtherExactlyOnce, ()) {
  // Plain, wildcard and queue subscriptions and publishers on every server of every
  // cluster: each message crosses each gateway at most once, never from a gateway to
  // another, and reaches every matching subscription of the supercluster once.
  scenario_plan p;
  any_supercluster(p);
  any_workload(p);
  check(p);
}

RC_GTEST_PROP(SuperclusterProperty, EachQueueGroupGetsEachMessageOnceAcrossClusters, ()) {
  // Only queue subscriptions: a group with a member in the publisher's cluster is served
  // there; one without is served by exactly one other cluster.
  scenario_plan p;
  any_supercluster(p);
  any_workload(p);
  for (auto& op : p.ops)
    if (op.queue < 0) op.queue = op.subject % 2;
  check(p);
}

RC_GTEST_PROP(SuperclusterProperty, SuperclustersRecoverFromAnyFaultSchedule, ()) {
  // Resets, partitions, cut links (gateways and routes alike) and crashes while clients
  // work; after the heal phase one outbound gateway per remote cluster on every server,
  // converged gateway interest and exactly-once delivery again.
  scenario_plan p;
  any_supercluster(p);
  any_workload(p);
  any_faults(p);
  check(p);
}

}  // namespace
}  // namespace gnatsd::sim
