// Fixed fault scenarios on the simulator, written as explicit plans: each run checks the
// whole invariant list of sim/invariant_checker.hpp (safety after every step, then mesh,
// interest convergence and exactly-once delivery after the heal phase).
#include <gtest/gtest.h>

#include "../support/text.hpp"
#include "sim/cluster_scenario.hpp"
#include "sim/world.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t millisecond = 1'000'000;
constexpr int64_t microsecond = 1'000;
constexpr int64_t second = 1'000'000'000;

client_op subscribe(int64_t at, int client, int pattern, int queue = -1) {
  client_op op;
  op.what = client_op::kind::subscribe;
  op.at_ns = at;
  op.client = client;
  op.subject = pattern;
  op.queue = queue;
  return op;
}

client_op publish(int64_t at, int client, int subject, int count) {
  client_op op;
  op.what = client_op::kind::publish;
  op.at_ns = at;
  op.client = client;
  op.subject = subject;
  op.count = count;
  return op;
}

fault_event fault(fault_event::kind what, int64_t at, int64_t duration, std::vector<int> hosts) {
  fault_event f;
  f.what = what;
  f.at_ns = at;
  f.duration_ns = duration;
  f.hosts = std::move(hosts);
  return f;
}

void expect_passes(const scenario_plan& plan, const std::string& name) {
  const auto r = run_scenario(plan);
  std::string trace;
  if (!r.passed)
    for (const auto& l : r.trace)
      trace += l + "\n";
  EXPECT_TRUE(r.passed) << name << ": " << r.failure << "\n" << r.parameters << "\n" << trace;
}

TEST(ClusterFaultSim, ARestartWhileInterestIsBeingSentConvergesOnTheNewServerId) {
  // Server 0's clients subscribe to every pattern (plain and queue) at 1 s; server 0 crashes
  // a few hundred microseconds later, while its RS+ are on the wire to server 1, and boots
  // again under a new id. Server 1 must drop the half-open route to the old id, route to the
  // new one, and end with exactly the new incarnation's interest.
  for (uint64_t seed = 1; seed <= 10; ++seed)
    for (int64_t offset_us : {0, 100, 250, 400, 700, 1500}) {
      scenario_plan p;
      p.world_seed = seed;
      p.servers = 2;
      p.routes = {{}, {0}};
      p.client_home = {0, 0, 1};
      for (int pattern = 0; pattern < 6; ++pattern) {
        p.ops.push_back(subscribe(second, 0, pattern));
        p.ops.push_back(subscribe(second, 1, pattern, pattern % 2));
      }
      p.ops.push_back(publish(3 * second, 2, 0, 5));
      p.faults.push_back(fault(fault_event::kind::crash, second + offset_us * microsecond,
                               200 * millisecond, {0}));
      expect_passes(p, "seed " + std::to_string(seed) + " offset " + std::to_string(offset_us));
    }
}

TEST(ClusterFaultSim, APartitionThatHealsRestoresTheFullMeshIncludingLearnedRoutes) {
  // Servers 1 and 2 know only server 0, so the 1-2 route is learned by gossip. Either server
  // 1 is partitioned away, or only the 1-2 link is cut, for 30 s: far past the keepalive
  // (5 s, two missed PINGs), so the routes across the cut close and their redials are
  // refused until the learned route's retries run out. After the heal the configured routes
  // redial on their own; the learned 1-2 route must come back too, although with only the
  // link cut nothing registers anew that would gossip it (the re-gossip found by
  // gnatsd-sim --faults full, seed 16).
  for (uint64_t seed = 1; seed <= 10; ++seed)
    for (auto cut : {std::vector<int>{1}, std::vector<int>{1, 2}}) {
      scenario_plan p;
      p.world_seed = seed;
      p.servers = 3;
      p.routes = {{}, {0}, {0}};
      p.client_home = {0, 1, 2};
      for (int c = 0; c < 3; ++c)
        p.ops.push_back(subscribe(500 * millisecond, c, 4));
      p.ops.push_back(publish(2 * second, 1, 0, 3));
      const auto kind = cut.size() == 1 ? fault_event::kind::partition : fault_event::kind::cut;
      p.faults.push_back(fault(kind, second, 30 * second, cut));
      expect_passes(p, "seed " + std::to_string(seed) + (cut.size() == 1 ? " partition" : " cut"));
    }
}

TEST(ClusterFaultSim, ACutLinkAndACrashOverlappingHeal) {
  // A cut between two servers overlapping the crash of a third, with queue members on all.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    scenario_plan p;
    p.world_seed = seed;
    p.servers = 3;
    p.routes = {{}, {0}, {1}};
    p.client_home = {0, 1, 2, 2};
    for (int c = 0; c < 4; ++c)
      p.ops.push_back(subscribe(300 * millisecond, c, 3, 0));
    p.ops.push_back(publish(1500 * millisecond, 3, 0, 10));
    p.faults.push_back(fault(fault_event::kind::cut, second, 20 * second, {0, 1}));
    p.faults.push_back(fault(fault_event::kind::crash, 2 * second, 3 * second, {2}));
    expect_passes(p, "seed " + std::to_string(seed));
  }
}

// -- the one-hop rule in a partial mesh, spelled out -----------------------------------------

server_options node(std::vector<std::string> routes) {
  server_options o;
  o.port = 4222;
  o.cluster.port = 6222;
  o.cluster.routes = std::move(routes);
  return o;
}

TEST(ClusterFaultSim, WithALinkCutMessagesTravelOneHopAndNoFurther) {
  // A - B - C with the A-C link cut: B relays nothing. A message published on A reaches
  // subscribers on A and B only; one published on B reaches all three.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    world w{seed};
    w.network().cut("10.0.0.1", "10.0.0.3");
    std::vector<running_server*> s;
    s.push_back(&w.start_server("10.0.0.1", node({})));
    s.push_back(&w.start_server("10.0.0.2", node({"nats://10.0.0.1:6222"})));
    s.push_back(&w.start_server("10.0.0.3", node({"nats://10.0.0.2:6222"})));
    w.run_for(10 * second);
    ASSERT_EQ(w.network().open_connections_between("10.0.0.1", "10.0.0.2"), 1u);
    ASSERT_EQ(w.network().open_connections_between("10.0.0.2", "10.0.0.3"), 1u);
    ASSERT_EQ(w.network().open_connections_between("10.0.0.1", "10.0.0.3"), 0u);
    std::vector<std::shared_ptr<sim_client>> subs;
    for (auto* server : s) {
      subs.push_back(w.connect(*server));
      subs.back()->send("CONNECT {\"verbose\":false}\r\nSUB x.* 1\r\n");
    }
    w.run_for(second);
    auto pub_a = w.connect(*s[0]);
    pub_a->send("CONNECT {\"verbose\":false}\r\nPUB x.a 1\r\na\r\n");
    auto pub_b = w.connect(*s[1]);
    pub_b->send("CONNECT {\"verbose\":false}\r\nPUB x.b 1\r\nb\r\n");
    w.run_for(2 * second);
    using gnatsd::testing::count;
    EXPECT_EQ(count(subs[0]->received(), "MSG x.a 1 1\r\n"), 1u) << "seed " << seed;
    EXPECT_EQ(count(subs[1]->received(), "MSG x.a 1 1\r\n"), 1u) << "seed " << seed;
    EXPECT_EQ(count(subs[2]->received(), "MSG x.a 1 1\r\n"), 0u) << "seed " << seed;
    for (const auto& sub : subs)
      EXPECT_EQ(count(sub->received(), "MSG x.b 1 1\r\n"), 1u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace gnatsd::sim
