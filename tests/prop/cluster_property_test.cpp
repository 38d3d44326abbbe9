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

#include "sim/cluster_scenario.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t millisecond = 1'000'000;
constexpr int64_t second = 1'000'000'000;

// Draws a topology: servers, a connected solicit graph plus extra routes, start gaps.
void any_topology(scenario_plan& p) {
  p.servers = *rc::gen::inRange(1, 8);
  p.routes.assign(static_cast<size_t>(p.servers), {});
  for (int i = 1; i < p.servers; ++i)
    p.routes[static_cast<size_t>(i)].push_back(*rc::gen::inRange(0, i));
  const auto extra = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 7), rc::gen::inRange(0, 7)));
  for (auto [a, b] : extra)
    p.routes[static_cast<size_t>(a % p.servers)].push_back(b % p.servers);
  for (int i = 0; i < p.servers; ++i)
    p.start_gaps_ns.push_back(*rc::gen::inRange(0, 1500) * millisecond);
  p.world_seed = *rc::gen::noShrink(rc::gen::arbitrary<uint64_t>());
}

rc::Gen<client_op> any_op() {
  return rc::gen::build<client_op>(
      rc::gen::set(&client_op::what,
                   rc::gen::element(client_op::kind::publish, client_op::kind::subscribe,
                                    client_op::kind::unsubscribe, client_op::kind::publish,
                                    client_op::kind::subscribe, client_op::kind::auto_unsubscribe,
                                    client_op::kind::request, client_op::kind::flush_sub,
                                    client_op::kind::flush_unsub)),
      rc::gen::set(&client_op::header, rc::gen::arbitrary<bool>()),
      rc::gen::set(&client_op::size, rc::gen::inRange(64, 16 * 1024)),
      rc::gen::set(&client_op::at_ns, rc::gen::map(rc::gen::inRange(0, 5000),
                                                   [](int ms) { return ms * millisecond; })),
      rc::gen::set(&client_op::client, rc::gen::inRange(0, 14)),
      rc::gen::set(&client_op::subject, rc::gen::inRange(0, 8)),
      rc::gen::set(&client_op::queue, rc::gen::inRange(-3, 2)),
      rc::gen::set(&client_op::count, rc::gen::inRange(1, 6)));
}

// Draws clients (1-14, on random servers) and their operations during the fault phase.
void any_workload(scenario_plan& p) {
  p.client_home = *rc::gen::resize(
      14, rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 7))));
  p.ops = *rc::gen::resize(40, rc::gen::container<std::vector<client_op>>(any_op()));
  // The client protocol's options per client (normalize pads missing entries).
  const size_t n = p.client_home.size();
  p.client_headers = *rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>());
  p.client_echo = *rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>());
  p.responders = *rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>());
  // Each client's account: $G, A or B (isolation is checked on every delivery).
  p.client_account = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 3));
}

rc::Gen<fault_event> any_fault() {
  return rc::gen::build<fault_event>(
      rc::gen::set(&fault_event::what,
                   rc::gen::element(fault_event::kind::reset, fault_event::kind::partition,
                                    fault_event::kind::cut, fault_event::kind::crash)),
      rc::gen::set(&fault_event::at_ns, rc::gen::map(rc::gen::inRange(0, 5000),
                                                     [](int ms) { return ms * millisecond; })),
      rc::gen::set(&fault_event::duration_ns,
                   rc::gen::map(rc::gen::inRange(1, 41), [](int s) { return s * second; })),
      rc::gen::set(&fault_event::hosts, rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(
                                            rc::gen::inRange(0, 7)))));
}

void any_faults(scenario_plan& p) {
  p.faults = *rc::gen::resize(5, rc::gen::container<std::vector<fault_event>>(any_fault()));
  p.slow_dial_percent = *rc::gen::inRange(0, 30);
}

// A server stops reading its sockets, or reads a little at a time, while clients flood.
rc::Gen<fault_event> any_reader_fault() {
  return rc::gen::build<fault_event>(
      rc::gen::set(&fault_event::what, rc::gen::element(fault_event::kind::stuck_reader,
                                                        fault_event::kind::slow_reader)),
      rc::gen::set(&fault_event::at_ns, rc::gen::map(rc::gen::inRange(0, 5000),
                                                     [](int ms) { return ms * millisecond; })),
      rc::gen::set(&fault_event::duration_ns,
                   rc::gen::map(rc::gen::inRange(1, 15), [](int s) { return s * second; })),
      rc::gen::set(&fault_event::hosts, rc::gen::map(rc::gen::inRange(0, 7),
                                                     [](int h) { return std::vector<int>{h}; })));
}

// Floods of 60-160 messages of 2-8 KiB, and a subscriber to everything on every client, so
// that every flood has interest on every server (and a stuck one holds it back).
void any_floods(scenario_plan& p) {
  auto floods =
      *rc::gen::resize(4, rc::gen::nonEmpty(rc::gen::container<std::vector<client_op>>(any_op())));
  for (auto& op : floods) {
    op.what = client_op::kind::flood;
    op.count = 40 + op.count * 20;
    op.size = std::clamp(op.size / 2, 2048, 8192);
  }
  p.ops.insert(p.ops.end(), floods.begin(), floods.end());
  for (size_t c = 0; c < p.client_home.size(); ++c) {
    client_op everything;
    everything.what = client_op::kind::subscribe;
    everything.client = static_cast<int>(c);
    everything.subject = 4;  // w.>
    p.ops.insert(p.ops.begin(), everything);
  }
}

void check(const scenario_plan& plan) {
  const auto r = run_scenario(plan);
  RC_LOG() << r.parameters << " world_seed=" << plan.world_seed << "\n";
  if (r.passed) return;
  for (const auto& line : r.trace)
    RC_LOG() << line << "\n";
  RC_FAIL(r.failure);
}

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
