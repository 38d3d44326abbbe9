// Cluster tests on the simulated network: real server, route and session actors forming
// routes, meshing by gossip and forwarding messages, deterministically from a seed.
#include <gtest/gtest.h>

#include "../support/client_subscriptions.hpp"
#include "../support/text.hpp"

#include <algorithm>

#include "sim/cluster_scenario.hpp"
#include "sim/world.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t second = 1'000'000'000;

server_options node(int cluster_port, std::vector<std::string> routes = {}) {
  server_options o;
  o.port = 4222;
  o.cluster.port = cluster_port;
  o.cluster.routes = std::move(routes);
  o.debug = true;
  return o;
}

using gnatsd::testing::count;

size_t trace_count(const world& w, const std::string& server, const std::string& text) {
  size_t n = 0;
  for (const auto& l : w.trace())
    if (l.find(" " + server + " ") != std::string::npos && l.find(text) != std::string::npos) ++n;
  return n;
}

struct client {
  std::shared_ptr<sim_client> c;
  world* w;
  void send(const std::string& s) { c->send(s); }
  bool wait(const std::string& text) {
    return w->run_until([&] { return c->received().find(text) != std::string::npos; });
  }
  void flush() {
    const size_t before = count(c->received(), "PONG\r\n");
    c->send("PING\r\n");
    ASSERT_TRUE(w->run_until([&] { return count(c->received(), "PONG\r\n") > before; }));
  }
};

client connect(world& w, running_server& s) {
  client cl{w.connect(s), &w};
  EXPECT_TRUE(cl.wait("} \r\n"));
  cl.c->consume(cl.c->received().find("} \r\n") + 4);
  cl.send("CONNECT {\"verbose\":false}\r\n");
  return cl;
}

client connect_as(world& w, running_server& s, const std::string& user) {
  client cl{w.connect(s), &w};
  EXPECT_TRUE(cl.wait("} \r\n"));
  cl.c->consume(cl.c->received().find("} \r\n") + 4);
  cl.send("CONNECT {\"verbose\":false,\"user\":\"" + user + "\",\"pass\":\"" + user + "\"}\r\n");
  return cl;
}

// Interest travels asynchronously (as in nats-server): give routes virtual time to hear it.
void settle(world& w) {
  w.run_for(second / 2);
}

TEST(ClusterSim, TwoServersFormARouteAndForwardMessages) {
  world w{1};
  auto& a = w.start_server("10.0.0.1", node(6222));
  auto& b = w.start_server("10.0.0.2", node(6222, {"nats://10.0.0.1:6222"}));
  w.run_for(2 * second);
  EXPECT_EQ(trace_count(w, "10.0.0.1", "Registering remote route"), 1u);
  EXPECT_EQ(trace_count(w, "10.0.0.2", "Route connect msg sent"), 1u);
  auto sub = connect(w, a);
  sub.send("SUB greet.* 1\r\n");
  sub.flush();
  settle(w);
  auto pub = connect(w, b);
  pub.send("PUB greet.bob 2\r\nhi\r\n");
  pub.flush();
  ASSERT_TRUE(sub.wait("MSG greet.bob 1 2\r\nhi\r\n"));
  w.run_for(second);
  EXPECT_EQ(count(sub.c->received(), "MSG greet.bob"), 1u);
}

TEST(ClusterSim, ThreeServersReachAFullMeshByGossipFromASeed) {
  // The guide's example: B and C know only the seed A; B and C must find each other.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    world w{seed};
    auto& a = w.start_server("10.0.0.1", node(4248));
    auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
    auto& c = w.start_server("10.0.0.3", node(6248, {"nats://10.0.0.1:4248"}));
    (void)a;
    w.run_for(5 * second);
    EXPECT_EQ(w.network().open_connections(), 3u) << "seed " << seed;
    // One hop: a message published on B reaches C only over a direct B-C route.
    auto sub = connect(w, c);
    sub.send("SUB hello 1\r\n");
    sub.flush();
    settle(w);
    auto pub = connect(w, b);
    pub.send("PUB hello 5\r\nworld\r\n");
    pub.flush();
    ASSERT_TRUE(sub.wait("MSG hello 1 5\r\nworld\r\n")) << "seed " << seed;
  }
}

TEST(ClusterSim, TwoServersSolicitingEachOtherEndWithOneRoute) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    world w{seed};
    w.start_server("10.0.0.1", node(6222, {"nats://10.0.0.2:6222"}));
    w.start_server("10.0.0.2", node(6222, {"nats://10.0.0.1:6222"}));
    w.run_for(5 * second);
    EXPECT_EQ(w.network().open_connections(), 1u) << "seed " << seed;
    const size_t registrations = trace_count(w, "10.0.0.1", "Registering remote route");
    w.run_for(30 * second);
    // No reconnect storm: nothing re-registers once one route stands.
    EXPECT_EQ(w.network().open_connections(), 1u) << "seed " << seed;
    EXPECT_EQ(trace_count(w, "10.0.0.1", "Registering remote route"), registrations);
  }
}

TEST(ClusterSim, QueueGroupAcrossServersGetsEachMessageOnce) {
  world w{7};
  auto& a = w.start_server("10.0.0.1", node(4248));
  auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
  auto& c = w.start_server("10.0.0.3", node(6248, {"nats://10.0.0.1:4248"}));
  w.run_for(3 * second);
  std::vector<client> members;
  for (auto* s : {&a, &b, &c}) {
    members.push_back(connect(w, *s));
    members.back().send("SUB jobs workers 1\r\n");
    members.back().flush();
  }
  settle(w);
  auto pub = connect(w, b);
  for (int i = 0; i < 300; ++i)
    pub.send("PUB jobs 1\r\nx\r\n");
  pub.flush();
  size_t total = 0;
  ASSERT_TRUE(w.run_until([&] {
    total = 0;
    for (auto& m : members)
      total += count(m.c->received(), "MSG jobs");
    return total >= 300;
  }));
  w.run_for(second);
  total = 0;
  for (auto& m : members) {
    const size_t n = count(m.c->received(), "MSG jobs");
    EXPECT_GT(n, 30u);
    total += n;
  }
  EXPECT_EQ(total, 300u);
}

TEST(ClusterSim, InterestOfAClosedClientDisappearsFromPeers) {
  world w{8};
  auto& a = w.start_server("10.0.0.1", node(4248));
  auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
  w.run_for(2 * second);
  auto sub = connect(w, a);
  sub.send("SUB x 1\r\nSUB y q 2\r\n");
  sub.flush();
  settle(w);
  EXPECT_EQ(test::connection_subscriptions(*b.context->accounts.global()), 2u);
  sub.c->close();
  ASSERT_TRUE(w.run_until(
      [&] { return test::connection_subscriptions(*b.context->accounts.global()) == 0; }));
}

// The RS- lines server B reads when a client of A with subscriptions `sids` (sid i on
// subject s.i, sent in the given order) closes.
std::vector<std::string> unsubscribes_seen_by_a_peer(const std::vector<int>& sids) {
  world w{9};
  auto& a = w.start_server("10.0.0.1", node(4248));
  auto b_opts = node(5248, {"nats://10.0.0.1:4248"});
  b_opts.trace = true;
  auto& b = w.start_server("10.0.0.2", b_opts);
  w.run_for(2 * second);
  auto sub = connect(w, a);
  std::string subs;
  for (int i : sids)
    subs += "SUB s." + std::to_string(i) + " " + std::to_string(i) + "\r\n";
  sub.send(subs);
  sub.flush();
  settle(w);
  sub.c->close();
  EXPECT_TRUE(w.run_until(
      [&] { return test::connection_subscriptions(*b.context->accounts.global()) == 0; }));
  std::vector<std::string> seen;
  for (const auto& l : w.trace())
    if (l.find(" 10.0.0.2 ") != std::string::npos && l.find("<<- [RS- ") != std::string::npos)
      seen.push_back(l.substr(l.find("<<- [RS- ")));
  return seen;
}

TEST(ClusterSim, WhatAClientsCloseSendsDoesNotDependOnTheOrderItSubscribedIn) {
  // A hash map's iteration order changes with the order of insertion (and with the standard
  // library): output that walks one would differ between these runs.
  std::vector<int> forward, backward;
  for (int i = 1; i <= 40; ++i)
    forward.push_back(i);
  backward.assign(forward.rbegin(), forward.rend());
  const auto a = unsubscribes_seen_by_a_peer(forward);
  EXPECT_EQ(a.size(), 40u);
  EXPECT_EQ(a, unsubscribes_seen_by_a_peer(backward));
}

TEST(ClusterSim, AConfiguredRouteIsReestablishedAfterTheLinkResets) {
  world w{9};
  auto& a = w.start_server("10.0.0.1", node(4248));
  auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
  w.run_for(2 * second);
  ASSERT_EQ(w.network().open_connections(), 1u);
  ASSERT_EQ(trace_count(w, "10.0.0.2", "Registering remote route"), 1u);
  w.network().reset_connections("10.0.0.1");
  w.run_for(3 * second);
  // B's configured route is retried (after 1s plus jitter) and registers again.
  EXPECT_EQ(w.network().open_connections(), 1u);
  EXPECT_EQ(trace_count(w, "10.0.0.2", "Registering remote route"), 2u);
  auto sub = connect(w, a);
  sub.send("SUB z 1\r\n");
  sub.flush();
  settle(w);
  auto pub = connect(w, b);
  pub.send("PUB z 1\r\nq\r\n");
  pub.flush();
  EXPECT_TRUE(sub.wait("MSG z 1 1\r\nq\r\n"));
}

TEST(ClusterSim, AutoUnsubscribeLimitsHoldAcrossRoutes) {
  world w{10};
  auto& a = w.start_server("10.0.0.1", node(4248));
  auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
  w.run_for(2 * second);
  auto sub = connect(w, a);
  sub.send("SUB limited 1\r\nUNSUB 1 3\r\n");
  sub.flush();
  settle(w);
  ASSERT_EQ(test::connection_subscriptions(*b.context->accounts.global()), 1u);
  auto pub = connect(w, b);
  for (int i = 0; i < 10; ++i)
    pub.send("PUB limited 1\r\nx\r\n");
  pub.flush();
  w.run_for(second);
  EXPECT_EQ(count(sub.c->received(), "MSG limited 1 1"), 3u);
  // The limit removed the subscription, and the peer heard the RS-.
  EXPECT_EQ(test::connection_subscriptions(*a.context->accounts.global()), 0u);
  EXPECT_EQ(test::connection_subscriptions(*b.context->accounts.global()), 0u);
}

TEST(ClusterSim, RouteAuthorizationAdmitsOnlyTheConfiguredUser) {
  world w{11};
  auto protected_node = node(4248);
  protected_node.cluster.authorization.user = "ruser";
  protected_node.cluster.authorization.password = "rpass";
  w.start_server("10.0.0.1", protected_node);
  w.start_server("10.0.0.2", node(5248, {"nats://ruser:rpass@10.0.0.1:4248"}));
  w.start_server("10.0.0.3", node(6248, {"nats://ruser:wrong@10.0.0.1:4248"}));
  w.run_for(3 * second);
  EXPECT_GE(trace_count(w, "10.0.0.2", "Registering remote route"), 1u);
  EXPECT_GE(trace_count(w, "10.0.0.1", " - authentication error"), 1u);
  // The protected server registers only the peer with the right credentials, so it never
  // gossips the other one either: B and C stay unconnected.
  EXPECT_EQ(trace_count(w, "10.0.0.1", "Registering remote route"), 1u);
  EXPECT_EQ(trace_count(w, "10.0.0.2", "Registering remote route"), 1u);
}

TEST(ClusterSim, AScenarioReplaysByteForByteFromItsSeed) {
  for (uint64_t seed : {1ull, 7ull, 42ull, 1234ull}) {
    plan_options o;
    o.seed = seed;
    o.faults = fault_mode::full;
    const auto first = run_scenario(generate_plan(o));
    const auto second = run_scenario(generate_plan(o));
    EXPECT_TRUE(first.passed) << first.failure;
    EXPECT_EQ(first.parameters, second.parameters);
    EXPECT_EQ(first.steps, second.steps);
    EXPECT_EQ(first.trace, second.trace) << "seed " << seed;
  }
  plan_options a, b;
  a.seed = 5;
  b.seed = 6;
  EXPECT_NE(run_scenario(generate_plan(a)).trace, run_scenario(generate_plan(b)).trace);
}

}  // namespace
}  // namespace gnatsd::sim

namespace gnatsd::sim {
namespace {

// The largest backlog any connection of the server at `host` holds for its peer.
size_t largest_backlog(world& w, const std::string& host) {
  size_t most = 0;
  w.network().for_each_end([&](const sim_end& e) {
    if (e.local().host == host) most = std::max(most, e.outbound_backlog());
  });
  return most;
}

constexpr int64_t a_max_pending = 1024 * 1024;

// Server A (10.0.0.1, max_pending 1 MiB) routed to server B, where a client subscribes to
// "data"; returns a publisher on A, once the interest is there.
client route_to_a_subscriber(world& w, duration write_deadline = std::chrono::seconds{10},
                             duration ping_interval = std::chrono::minutes{2}) {
  auto a_opts = node(4248);
  a_opts.ping_interval = ping_interval;
  a_opts.ping_max = 2;
  a_opts.max_pending = a_max_pending;
  a_opts.max_payload = 64 * 1024;
  a_opts.write_deadline = write_deadline;
  auto& a = w.start_server("10.0.0.1", a_opts);
  auto& b = w.start_server("10.0.0.2", node(5248, {"nats://10.0.0.1:4248"}));
  auto sub = connect(w, b);
  sub.send("SUB data 1\r\n");
  sub.flush();
  settle(w);
  return connect(w, a);
}

// `n` messages of 32 KiB on "data".
std::string burst(int n) {
  const std::string payload(32 * 1024, 'x');
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "PUB data " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  return out;
}

TEST(ClusterSim, AStuckPeerHoldsThePublisherWithinMaxPendingAndIsDroppedAtTheWriteDeadline) {
  world w{31};
  auto pub = route_to_a_subscriber(w);
  // B stops reading (a stopped process); A's publisher sends 3 MiB at once.
  w.network().set_read_mode("10.0.0.2", read_mode::stuck);
  pub.send(burst(96) + "PING\r\n");
  const int64_t start = w.now_ns();
  size_t most = 0, seen = 0;
  auto dropped = [&] {  // looks at the trace lines written since the last look only
    const auto& t = w.trace();
    for (; seen < t.size(); ++seen)
      if (t[seen].find(" 10.0.0.1 ") != std::string::npos &&
          t[seen].find("Route connection closed: Slow Consumer (Write Deadline)") !=
              std::string::npos)
        return true;
    return false;
  };
  // While the route is stuck, A holds the publisher back: its route never holds more than
  // max_pending (plus one read buffer), and the PONG behind the burst does not come.
  while (!dropped()) {
    ASSERT_LT(w.now_ns() - start, 12 * second) << "the stuck route was never dropped";
    w.run_for(second / 100);
    most = std::max(most, largest_backlog(w, "10.0.0.1"));
    if (w.now_ns() - start < 9 * second) {
      ASSERT_EQ(pub.c->received().find("PONG"), std::string::npos);
    }
  }
  EXPECT_LE(most, static_cast<size_t>(a_max_pending + 128 * 1024));
  EXPECT_GT(most, static_cast<size_t>(a_max_pending / 2)) << "the route did fill up";
  // Dropped once the peer had taken nothing for write_deadline: after 10 s, within 11 s.
  EXPECT_GE(w.now_ns() - start, 10 * second);
  EXPECT_LE(w.now_ns() - start, 11 * second);
  EXPECT_EQ(trace_count(w, "10.0.0.1", "Slow Consumer Detected: WriteDeadline of 10s exceeded"),
            1u);
  // Then the publisher goes on: its PONG arrives.
  EXPECT_TRUE(pub.wait("PONG"));
}

TEST(ClusterSim, APublisherHeldBehindASlowRouteIsNotTakenForStale) {
  // While a producer stall holds the publisher's input, its PONGs wait unread behind its
  // publishes: the held ping intervals (seven or eight of 500 ms here, ping_max 2) must not count
  // against it. B reads 2 KiB a millisecond, so 8 MiB take A's route about 4 s.
  world w{33};
  auto pub = route_to_a_subscriber(w, std::chrono::seconds{10}, std::chrono::milliseconds{500});
  w.network().set_read_mode("10.0.0.2", read_mode::slow);
  pub.send(burst(256) + "PING\r\n");
  const int64_t start = w.now_ns();
  size_t answered = 0;
  while (pub.c->received().find("PONG") == std::string::npos) {
    ASSERT_LT(w.now_ns() - start, 30 * second) << "the publisher was never let go";
    ASSERT_FALSE(pub.c->closed()) << pub.c->received();
    w.run_for(second / 10);
    for (; answered < count(pub.c->received(), "PING\r\n"); ++answered)
      pub.send("PONG\r\n");  // a live client answers every PING it gets
  }
  EXPECT_GE(w.now_ns() - start, 7 * second / 2) << "the publisher was held for several intervals";
  EXPECT_EQ(trace_count(w, "10.0.0.1", "Route connection closed"), 0u);
  EXPECT_EQ(pub.c->received().find("Stale Connection"), std::string::npos);
}

TEST(ClusterSim, APeerThatStillReadsALittleIsLoggedAsSlowButKept) {
  world w{32};
  auto pub = route_to_a_subscriber(w, std::chrono::milliseconds{200});
  w.network().set_read_mode("10.0.0.2", read_mode::slow);
  pub.send(burst(64));
  w.run_for(4 * second);
  EXPECT_GE(trace_count(w, "10.0.0.1", "Slow Consumer Detected: WriteDeadline of 200ms exceeded"),
            1u);
  EXPECT_EQ(trace_count(w, "10.0.0.1", "Route connection closed"), 0u);
  EXPECT_LE(largest_backlog(w, "10.0.0.1"), static_cast<size_t>(a_max_pending + 128 * 1024));
}

}  // namespace
}  // namespace gnatsd::sim

namespace gnatsd::sim {
namespace {

// A system user on any server of a simulated cluster of three asks `$SYS.REQ.SERVER.PING`
// once routes carry the system account's interest: every server answers, each naming
// itself; a client of account A logging in on another server is announced to it.
TEST(ClusterSim, APingOfTheSystemAccountIsAnsweredByEveryServer) {
  world w{21};
  std::vector<running_server*> servers;
  for (int i = 0; i < 3; ++i) {
    auto o = node(6222, i == 0 ? std::vector<std::string>{}
                               : std::vector<std::string>{"nats://10.0.0.1:6222"});
    o.accounts.push_back(named_account("A"));
    o.authorization.users.push_back(user_entry{"sys", "sys", std::nullopt, "$SYS", {}});
    o.authorization.users.push_back(user_entry{"a", "a", std::nullopt, "A", {}});
    servers.push_back(&w.start_server("10.0.0." + std::to_string(i + 1), o));
  }
  w.run_for(3 * second);
  auto sys = connect_as(w, *servers[1], "sys");
  sys.send("SUB _INBOX.ping 1\r\nSUB $SYS.ACCOUNT.A.CONNECT 2\r\n");
  sys.flush();
  settle(w);
  sys.send("PUB $SYS.REQ.SERVER.PING _INBOX.ping 0\r\n\r\n");
  ASSERT_TRUE(w.run_until([&] { return count(sys.c->received(), "MSG _INBOX.ping 1") == 3; }));
  for (const auto* s : servers)
    EXPECT_NE(sys.c->received().find("\"id\":\"" + s->context->server_id + "\""),
              std::string::npos);
  auto a = connect_as(w, *servers[2], "a");
  a.flush();
  // The whole event: its payload may arrive after its MSG line.
  ASSERT_TRUE(
      w.run_until([&] { return sys.c->received().find("\"user\":\"a\"") != std::string::npos; }));
  EXPECT_EQ(count(sys.c->received(), "MSG $SYS.ACCOUNT.A.CONNECT"), 1u);
}

// A server told to shut down while a client's PUB and PING are on their way: whenever the
// client got the PONG, the message went out over the route before the route closed (routes
// close only after the sessions have handed on their last deliveries). The shutdown comes
// after every number of steps from the PUB's send to past its PONG, so some runs have it
// arrive while the PUB waits in the session's mailbox.
TEST(ClusterSim, MessagesConfirmedByAPongSurviveTheirServersShutdown) {
  // More than one 4 KiB turn of the session's parser (A parses in the shortest turns), so
  // that the shutdown can also come between two turns.
  constexpr size_t burst_messages = 400;
  size_t confirmed = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed)
    for (int steps = 0; steps < 60; ++steps) {
      world w{seed};
      // Without a system account, shutdown has no SHUTDOWN event to publish first.
      auto o = node(6222);
      o.no_system_account = true;
      o.read_turn = std::chrono::microseconds{0};
      auto& a = w.start_server("10.0.0.1", o);
      auto& b = w.start_server("10.0.0.2", node(6222, {"nats://10.0.0.1:6222"}));
      w.run_for(2 * second);
      auto sub = connect(w, b);
      sub.send("SUB orders 1\r\n");
      sub.flush();
      settle(w);
      auto pub = connect(w, a);
      pub.flush();
      std::string burst;
      for (size_t i = 0; i < burst_messages; ++i)
        burst += "PUB orders 2\r\nhi\r\n";
      pub.send(burst + "PING\r\n");
      for (int i = 0; i < steps; ++i)
        w.step();
      caf::anon_send(a.actor, shutdown_atom_v);
      w.run_for(2 * second);
      if (count(pub.c->received(), "PONG\r\n") < 2) continue;
      ++confirmed;
      EXPECT_EQ(count(sub.c->received(), "MSG orders 1 2\r\nhi\r\n"), burst_messages)
          << "seed " << seed << ", shutdown after " << steps << " steps";
    }
  EXPECT_GT(confirmed, 0u);
}

}  // namespace
}  // namespace gnatsd::sim
