// Generators of scenario plans for the RapidCheck properties (cluster_property_test.cpp,
// supercluster_property_test.cpp): topologies, workloads, faults, floods; and `check`, which
// runs a plan and fails the property with the broken invariant and the run's trace.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/cluster_scenario.hpp"

namespace gnatsd::sim {

constexpr int64_t millisecond = 1'000'000;
constexpr int64_t second = 1'000'000'000;

// Draws a topology: servers, a connected solicit graph plus extra routes, start gaps.
inline void any_topology(scenario_plan& p) {
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

inline rc::Gen<client_op> any_op() {
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
inline void any_workload(scenario_plan& p) {
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

inline rc::Gen<fault_event> any_fault() {
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

inline void any_faults(scenario_plan& p) {
  p.faults = *rc::gen::resize(5, rc::gen::container<std::vector<fault_event>>(any_fault()));
  p.slow_dial_percent = *rc::gen::inRange(0, 30);
}

// A server stops reading its sockets, or reads a little at a time, while clients flood.
inline rc::Gen<fault_event> any_reader_fault() {
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
inline void any_floods(scenario_plan& p) {
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

inline void check(const scenario_plan& plan) {
  const auto r = run_scenario(plan);
  RC_LOG() << r.parameters << " world_seed=" << plan.world_seed << "\n";
  if (r.passed) return;
  for (const auto& line : r.trace)
    RC_LOG() << line << "\n";
  RC_FAIL(r.failure);
}

}  // namespace gnatsd::sim
