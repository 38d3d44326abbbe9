// Properties of simulated clusters, checked by RapidCheck over generated scenario plans and
// shrunk to a minimal plan on failure (replay with the printed RC_PARAMS; the plan is
// printed too). Every run checks the full invariant list of sim/invariant_checker.hpp; the
// properties differ in what they generate, so a failure names the capability that broke.
//
// Topology: 1-7 servers; server i > 0 lists one earlier server as its seed route (a random
// tree, so the solicit graph is connected), plus arbitrary extra routes; random start gaps.
// Workload: clients on random servers subscribing (plain, wildcard, queue), unsubscribing
// and publishing, and floods of large messages. Faults: resets, partitions, cut links,
// crashes with restart under a new id, servers that stop reading or read slowly; route
// authorization with unauthenticated peers attacking the cluster ports. The world's
// scheduler and network draw from a seed that does not shrink.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "plan_generators.hpp"
#include "sim/cluster_scenario.hpp"

namespace gnatsd::sim {
namespace {

RC_GTEST_PROP(ClusterProperty, AnyConnectedSeedGraphFormsAFullMeshWithOneRoutePerPair, ()) {
  scenario_plan p;
  any_topology(p);
  check(p);
}

RC_GTEST_PROP(ClusterProperty, MessagesTravelOneHopAndReachEverySubscriptionExactlyOnce, ()) {
  // Plain, wildcard and queue subscriptions on every server, publishers everywhere: no
  // phantom, duplicate or reordered delivery, queue groups once, interest converged.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  check(p);
}

RC_GTEST_PROP(ClusterProperty, EachQueueGroupGetsEachMessageExactlyOnce, ()) {
  // Every subscription is a queue subscription (two groups, any pattern), so groups have
  // several members per server and across servers: each message reaches each group with a
  // matching member once, never twice, whichever server the members are on.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  for (auto& op : p.ops)
    if (op.queue < 0) op.queue = op.subject % 2;
  check(p);
}

RC_GTEST_PROP(ClusterProperty, TheClusterRecoversFromAnyFaultSchedule, ()) {
  // Resets, partitions, cut links and crashes (restarted under a new id) while clients
  // work; after the heal phase: full mesh, converged interest, exactly-once delivery.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  any_faults(p);
  check(p);
}

RC_GTEST_PROP(ClusterProperty, AServerThatStopsReadingCostsItsPeersBoundedMemoryOnly, ()) {
  // Servers stop reading or read slowly while clients flood: no connection of any server
  // ever holds more than max_pending plus one read buffer of frames for its peer (routes
  // stall their publishers, slow clients are cut), and after the heal phase the mesh,
  // interest and exactly-once delivery are back.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  any_floods(p);
  p.faults = *rc::gen::resize(4, rc::gen::container<std::vector<fault_event>>(any_reader_fault()));
  p.max_pending = *rc::gen::inRange(64, 256) * 1024;
  check(p);
}

RC_GTEST_PROP(ClusterProperty, AnUnauthenticatedPeerNeverReceivesNorInjectsAMessage, ()) {
  // Every cluster port requires a login; peers without one send interest, messages, INFOs
  // and client operations to random servers throughout: they get nats-server's refusal and
  // nothing else, and no client ever receives what they sent, while the cluster works.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  any_faults(p);
  p.route_auth = true;
  p.hostile_peers = *rc::gen::inRange(1, 5);
  check(p);
}

RC_GTEST_PROP(ClusterProperty, InAPartialMeshMessagesStillTravelExactlyOneHop, ()) {
  // Links cut for the whole run: a message reaches the servers routed to its origin and no
  // others, as the guide's one-hop rule says, however the remaining routes are connected.
  scenario_plan p;
  any_topology(p);
  any_workload(p);
  p.permanent_cuts = *rc::gen::container<std::set<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 7), rc::gen::inRange(0, 7)));
  check(p);
}

}  // namespace
}  // namespace gnatsd::sim
