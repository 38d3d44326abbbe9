// Properties of simulated clusters, checked by RapidCheck over generated topologies and
// shrunk to a minimal counterexample on failure (replay with the printed RC_PARAMS).
//
// Topology: 1-7 servers; server i > 0 lists one earlier server as its seed route (a random
// tree, so the solicit graph is connected), plus arbitrary extra routes. Servers start at
// random virtual times. The scheduler and network draw from the world's seed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "../support/text.hpp"
#include "sim/world.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t millisecond = 1'000'000;
constexpr int64_t second = 1'000'000'000;

struct topology {
  int servers = 1;
  std::vector<int> seed_of;                // seed_of[i-1] < i
  std::vector<std::pair<int, int>> extra;  // extra routes, taken modulo the server count
  std::vector<int> start_gaps_ms;          // virtual time between starts
  uint64_t world_seed = 0;
};

std::string host(int i) {
  return "10.0.0." + std::to_string(i + 1);
}

rc::Gen<topology> topologies() {
  return rc::gen::mapcat(rc::gen::inRange(1, 8), [](int n) {
    return rc::gen::build<topology>(
        rc::gen::set(&topology::servers, rc::gen::just(n)),
        rc::gen::set(&topology::seed_of,
                     rc::gen::container<std::vector<int>>(static_cast<size_t>(n - 1),
                                                          rc::gen::inRange(0, 1000))),
        rc::gen::set(&topology::extra,
                     rc::gen::container<std::vector<std::pair<int, int>>>(
                         rc::gen::pair(rc::gen::inRange(0, 7), rc::gen::inRange(0, 7)))),
        rc::gen::set(&topology::start_gaps_ms,
                     rc::gen::container<std::vector<int>>(static_cast<size_t>(n),
                                                          rc::gen::inRange(0, 1500))),
        rc::gen::set(&topology::world_seed, rc::gen::noShrink(rc::gen::arbitrary<uint64_t>())));
  });
}

// Starts the servers of `t` in `w`; returns them in index order.
std::vector<running_server*> start(world& w, const topology& t) {
  std::vector<std::vector<std::string>> routes(static_cast<size_t>(t.servers));
  for (int i = 1; i < t.servers; ++i) {
    const int seed = t.seed_of[static_cast<size_t>(i - 1)] % i;  // a tree: always connected
    routes[static_cast<size_t>(i)].push_back("nats://" + host(seed) + ":6222");
  }
  for (auto [a, b] : t.extra) {
    a %= t.servers;
    b %= t.servers;
    if (a != b) routes[static_cast<size_t>(a)].push_back("nats://" + host(b) + ":6222");
  }
  std::vector<running_server*> servers;
  for (int i = 0; i < t.servers; ++i) {
    w.run_for(t.start_gaps_ms[static_cast<size_t>(i)] * millisecond);
    server_options o;
    o.port = 4222;
    o.cluster.port = 6222;
    o.cluster.routes = routes[static_cast<size_t>(i)];
    servers.push_back(&w.start_server(host(i), o));
  }
  return servers;
}

void show(const topology& t) {
  std::string s = "servers=" + std::to_string(t.servers) + " seeds=[";
  for (int i = 1; i < t.servers; ++i)
    s += std::to_string(t.seed_of[static_cast<size_t>(i - 1)] % i) + " ";
  s += "] extra=[";
  for (auto [a, b] : t.extra)
    s += std::to_string(a % t.servers) + "->" + std::to_string(b % t.servers) + " ";
  s += "] world_seed=" + std::to_string(t.world_seed);
  RC_LOG() << s << "\n";
}

RC_GTEST_PROP(ClusterProperty, AnyConnectedSeedGraphFormsAFullMeshWithOneRoutePerPair, ()) {
  const topology t = *topologies();
  show(t);
  world w{t.world_seed};
  start(w, t);
  w.run_for(10 * second);
  for (int a = 0; a < t.servers; ++a)
    for (int b = a + 1; b < t.servers; ++b) {
      // Each connection has exactly one end on host a, whichever side dialled.
      RC_ASSERT(w.network().open_connections_between(host(a), host(b)) == 1u);
    }
}

RC_GTEST_PROP(ClusterProperty, EveryMessageReachesEverySubscriberExactlyOnce, ()) {
  // With the mesh formed, a message published on any server reaches a subscriber on every
  // server exactly once: one hop suffices in a full mesh, and no route relays it further.
  const topology t = *topologies();
  show(t);
  world w{t.world_seed};
  auto servers = start(w, t);
  w.run_for(10 * second);
  std::vector<std::shared_ptr<sim_client>> subs;
  for (auto* s : servers) {
    auto c = w.connect(*s);
    c->send("CONNECT {\"verbose\":false}\r\nSUB p.> 1\r\nPING\r\n");
    subs.push_back(c);
  }
  w.run_for(second);  // interest reaches every server
  for (size_t i = 0; i < servers.size(); ++i) {
    auto pub = w.connect(*servers[i]);
    pub->send("CONNECT {\"verbose\":false}\r\nPUB p." + std::to_string(i) + " 1\r\nx\r\nPING\r\n");
  }
  w.run_for(second);
  for (const auto& c : subs)
    for (size_t i = 0; i < servers.size(); ++i)
      RC_ASSERT(gnatsd::testing::count(c->received(), "MSG p." + std::to_string(i) + " 1 1\r\n") ==
                1u);
}

}  // namespace
}  // namespace gnatsd::sim
