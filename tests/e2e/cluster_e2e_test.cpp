// End-to-end cluster tests: the real gnatsd binary started exactly as the clustering guide
// shows (flags, then seed.conf), clients from Debian's libnats, and mixed clusters with
// Debian's nats-server 2.9.10. Ports are picked free by the test.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <thread>

#include "../support/cluster_helpers.hpp"
#include "../support/nats_client.hpp"
#include "../support/server_process.hpp"

namespace gnatsd::testing {
namespace {

conn_ptr connect(int port) {
  natsConnection* nc = nullptr;
  const std::string url = "nats://127.0.0.1:" + std::to_string(port);
  const natsStatus st = natsConnection_ConnectTo(&nc, url.c_str());
  EXPECT_EQ(st, NATS_OK) << natsStatus_GetText(st);
  return conn_ptr{nc};
}

sub_ptr subscribe(natsConnection* nc, const char* subject, const char* queue = nullptr) {
  natsSubscription* sub = nullptr;
  if (queue)
    natsConnection_QueueSubscribeSync(&sub, nc, subject, queue);
  else
    natsConnection_SubscribeSync(&sub, nc, subject);
  natsConnection_FlushTimeout(nc, 5000);
  return sub_ptr{sub};
}

struct cluster_ports {
  int client[3];
  int route[3];
  int http[3];  // monitoring: wait_mesh reads /routez
  cluster_ports() {
    for (int i = 0; i < 3; ++i) {
      client[i] = free_port();
      route[i] = free_port();
      http[i] = free_port();
    }
  }
  std::string route_url(int i) const { return "nats://localhost:" + std::to_string(route[i]); }
};

// The guide's three-server example, with free ports in place of 4222/4248, 5222/5248...
std::vector<std::string> guide_args(const cluster_ports& p, int i) {
  std::vector<std::string> args = {"-p", std::to_string(p.client[i]), "-cluster", p.route_url(i)};
  if (i > 0) {
    args.push_back("-routes");
    args.push_back(p.route_url(0));
  }
  args.push_back("-D");
  args.insert(args.end(), {"-m", std::to_string(p.http[i])});  // for wait_mesh
  return args;
}

TEST(ClusterE2E, TheGuidesThreeServerExampleFormsAFullMesh) {
  cluster_ports p;
  server_process a{gnatsd_binary(), guide_args(p, 0)};
  server_process b{gnatsd_binary(), guide_args(p, 1)};
  server_process c{gnatsd_binary(), guide_args(p, 2)};
  ASSERT_TRUE(wait_mesh({&a, &b, &c})) << a.log() << b.log() << c.log();
  EXPECT_NE(
      a.log().find("Listening for route connections on localhost:" + std::to_string(p.route[0])),
      std::string::npos);
  EXPECT_NE(b.log().find("Trying to connect to route on localhost:" + std::to_string(p.route[0])),
            std::string::npos);
  EXPECT_NE(b.log().find("- rid:1 - Route connection created"), std::string::npos);
  EXPECT_NE(b.log().find("- rid:1 - Route connect msg sent"), std::string::npos);
  EXPECT_NE(b.log().find("Route sent local subscriptions"), std::string::npos);

  // Subscribe on A, publish on C: received exactly once.
  auto ca = connect(a.port());
  auto sub = subscribe(ca.get(), "hello");
  auto cc = connect(c.port());
  wait_for_interest(cc.get(), sub.get(), "hello");
  natsConnection_PublishString(cc.get(), "hello", "world");
  natsConnection_FlushTimeout(cc.get(), 5000);
  EXPECT_EQ(receive(sub.get(), 1), 1);

  // B to C needs the route gossip created: the one-hop rule forbids relaying through A.
  auto cb = connect(b.port());
  auto sub_c = subscribe(cc.get(), "direct");
  wait_for_interest(cb.get(), sub_c.get(), "direct");
  natsConnection_PublishString(cb.get(), "direct", "x");
  natsConnection_FlushTimeout(cb.get(), 5000);
  EXPECT_EQ(receive(sub_c.get(), 1), 1);
}

TEST(ClusterE2E, TheGuidesSeedConfWorksAndRoutezShowsTheMesh) {
  cluster_ports p;
  const int http = free_port();
  const std::string conf = "/tmp/gnatsd_seed_" + std::to_string(::getpid()) + ".conf";
  std::ofstream{conf} << "# Cluster Seed Node\n\nlisten: 127.0.0.1:" << p.client[0]
                      << "\nhttp: " << http << "\n\ncluster {\n  listen: 127.0.0.1:" << p.route[0]
                      << "\n}\n";
  server_process seed{gnatsd_binary(), {"-config", conf, "-D"}};
  EXPECT_NE(
      seed.log().find("Listening for route connections on 127.0.0.1:" + std::to_string(p.route[0])),
      std::string::npos);
  server_process b{gnatsd_binary(), guide_args(p, 1)};
  server_process c{gnatsd_binary(), guide_args(p, 2)};
  ASSERT_TRUE(wait_mesh({&seed, &b, &c}));
  const std::string routez = http_get(http, "/routez");
  EXPECT_NE(routez.find("\"num_routes\": 2"), std::string::npos) << routez;
  for (auto* s : {&b, &c}) {
    const std::string id_line = s->log().substr(s->log().find("server id is ") + 13, 56);
    EXPECT_NE(routez.find("\"remote_id\": \"" + id_line + "\""), std::string::npos) << routez;
  }
  ::unlink(conf.c_str());
}

TEST(ClusterE2E, AQueueGroupSpreadOverThreeServersGetsEachMessageOnce) {
  cluster_ports p;
  server_process a{gnatsd_binary(), guide_args(p, 0)};
  server_process b{gnatsd_binary(), guide_args(p, 1)};
  server_process c{gnatsd_binary(), guide_args(p, 2)};
  ASSERT_TRUE(wait_mesh({&a, &b, &c}));
  std::vector<conn_ptr> conns;
  std::vector<sub_ptr> subs;
  for (int port : {a.port(), b.port(), c.port()}) {
    conns.push_back(connect(port));
    subs.push_back(subscribe(conns.back().get(), "jobs", "workers"));
  }
  auto pub = connect(b.port());
  // Let every server hear every member (probe on a plain subject that travels the same way).
  auto probe = subscribe(conns[0].get(), "jobs.probe");
  auto probe_c = subscribe(conns[2].get(), "jobs.probe");
  wait_for_interest(pub.get(), probe.get(), "jobs.probe");
  wait_for_interest(pub.get(), probe_c.get(), "jobs.probe");
  for (int i = 0; i < 300; ++i)
    natsConnection_PublishString(pub.get(), "jobs", "x");
  natsConnection_FlushTimeout(pub.get(), 5000);
  int total = 0;
  for (auto& s : subs) {
    const int n = drain(s.get());
    EXPECT_GT(n, 0);
    total += n;
  }
  EXPECT_EQ(total, 300);
}

TEST(ClusterE2E, TheMeshReformsWhenAServerIsRestarted) {
  cluster_ports p;
  server_process a{gnatsd_binary(), guide_args(p, 0)};
  auto b = std::make_unique<server_process>(gnatsd_binary(), guide_args(p, 1));
  server_process c{gnatsd_binary(), guide_args(p, 2)};
  ASSERT_TRUE(wait_mesh({&a, b.get(), &c}));
  b.reset();  // killed
  b = std::make_unique<server_process>(gnatsd_binary(), guide_args(p, 1));
  ASSERT_TRUE(wait_mesh({&a, b.get(), &c})) << b->log();
  auto cc = connect(c.port());
  auto sub = subscribe(cc.get(), "again");
  auto cb = connect(b->port());
  wait_for_interest(cb.get(), sub.get(), "again");
  natsConnection_PublishString(cb.get(), "again", "x");
  natsConnection_FlushTimeout(cb.get(), 5000);
  EXPECT_EQ(receive(sub.get(), 1), 1);
}

// Node `i` on loopback with its client and cluster ports, debug logging, then `extra`
// (a cluster name, routes), for gnatsd and nats-server alike.
std::vector<std::string> node_args(const cluster_ports& p, int i,
                                   std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"-a",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(p.client[i]),
                                   "-cluster",
                                   "nats://127.0.0.1:" + std::to_string(p.route[i]),
                                   "-D",
                                   "-m",
                                   std::to_string(p.http[i])};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> route_to(const cluster_ports& p, int i) {
  return {"-routes", "nats://127.0.0.1:" + std::to_string(p.route[i])};
}

TEST(ClusterE2E, GnatsdAndNatsServerFormOneClusterFromEitherSide) {
  cluster_ports p;
  // A nats-server seed, a gnatsd joining it, a second nats-server joining the gnatsd node.
  server_process seed{nats_server_binary(), node_args(p, 0)};
  server_process g{gnatsd_binary(), node_args(p, 1, route_to(p, 0))};
  server_process n2{nats_server_binary(), node_args(p, 2, route_to(p, 1))};
  ASSERT_TRUE(wait_mesh({&seed, &g, &n2})) << seed.log() << g.log() << n2.log();

  auto c_seed = connect(seed.port());
  auto c_g = connect(g.port());
  auto c_n2 = connect(n2.port());
  // Messages flow both ways between the implementations.
  auto on_g = subscribe(c_g.get(), "to.gnatsd");
  EXPECT_EQ(publish_and_receive(c_seed.get(), on_g.get(), "to.gnatsd", 1), 1);
  auto on_n2 = subscribe(c_n2.get(), "to.nats");
  EXPECT_EQ(publish_and_receive(c_g.get(), on_n2.get(), "to.nats", 1), 1)
      << "gnatsd:\n"
      << g.log() << "\nnats-server n2:\n"
      << n2.log();
  // One hop across the mixed mesh: seed -> n2 directly, received once.
  auto on_n2b = subscribe(c_n2.get(), "hop");
  wait_for_interest(c_seed.get(), on_n2b.get(), "hop");
  natsConnection_PublishString(c_seed.get(), "hop", "z");
  natsConnection_FlushTimeout(c_seed.get(), 5000);
  EXPECT_EQ(receive(on_n2b.get(), 1), 1);

  // A queue group spanning both implementations.
  auto q1 = subscribe(c_seed.get(), "work", "q");
  auto q2 = subscribe(c_g.get(), "work", "q");
  auto q3 = subscribe(c_n2.get(), "work", "q");
  auto probe1 = subscribe(c_seed.get(), "work.probe");
  auto probe3 = subscribe(c_n2.get(), "work.probe");
  wait_for_interest(c_g.get(), probe1.get(), "work.probe");
  wait_for_interest(c_g.get(), probe3.get(), "work.probe");
  for (int i = 0; i < 300; ++i)
    natsConnection_PublishString(c_g.get(), "work", "w");
  natsConnection_FlushTimeout(c_g.get(), 5000);
  const int n1 = drain(q1.get()), n2c = drain(q2.get()), n3 = drain(q3.get());
  EXPECT_EQ(n1 + n2c + n3, 300);
  EXPECT_GT(n1, 0);
  EXPECT_GT(n2c, 0);
  EXPECT_GT(n3, 0);
}

// The server id a server logs at start ("  ID:       N...").
std::string server_id_of(const server_process& s) {
  const std::string log = s.log();
  const auto at = log.find("ID:       ");
  return at == std::string::npos ? std::string{} : log.substr(at + 10, 56);
}

// The label ("rid:4") under which a server logged its route to `peer_id`.
std::string route_label(const std::string& log, const std::string& peer_id) {
  const auto at = log.find("Registering remote route \"" + peer_id + "\"");
  const auto rid = at == std::string::npos ? at : log.rfind(" - rid:", at);
  if (rid == std::string::npos) return "(no route)";
  return log.substr(rid + 3, log.find(' ', rid + 3) - (rid + 3));
}

TEST(ClusterE2E, GossipToNatsServerCarriesTheClusterNameAPeerAdopted) {
  cluster_ports p;
  // nats-server N and gnatsd G share the name "blue"; P joins G with a generated name and
  // adopts "blue". G's gossip about P must say "blue": N closes the route that tells it of a
  // server in another cluster ("Cluster Name Conflict"), and would do so at every gossip.
  // (N dialling P before P adopted "blue" may be refused once: that is the negotiation.)
  server_process n{nats_server_binary(), node_args(p, 0, {"--cluster_name", "blue"})};
  auto g_args = node_args(p, 1, {"--cluster_name", "blue"});
  for (auto& a : route_to(p, 0))
    g_args.push_back(a);
  server_process g{gnatsd_binary(), g_args};
  ASSERT_TRUE(wait_mesh({&n, &g})) << n.log() << g.log();
  server_process peer{gnatsd_binary(), node_args(p, 2, route_to(p, 1))};
  ASSERT_TRUE(wait_mesh({&n, &g, &peer})) << n.log() << g.log() << peer.log();
  EXPECT_TRUE(peer.wait_for_log("Cluster name updated to blue"));

  // N heard of P from G's gossip and dialled it; a message from P reaches N's subscriber.
  auto c_n = connect(n.port());
  auto c_p = connect(peer.port());
  auto sub = subscribe(c_n.get(), "named");
  EXPECT_EQ(publish_and_receive(c_p.get(), sub.get(), "named", 10), 10);
  const std::string log = n.log();
  const std::string g_route = route_label(log, server_id_of(g));
  ASSERT_NE(g_route, "(no route)") << log;
  EXPECT_EQ(log.find(g_route + " - Router connection closed"), std::string::npos) << log;
}

// A route's opening as a nats-server peer that dialled us sends it.
std::string fake_peer_opening(const std::string& id, int cluster_port) {
  const std::string info = R"({"server_id":")" + id + R"(","name":")" + id +
                           R"(","version":"2.9.10","go":"go1.19.8","host":"127.0.0.1","port":)" +
                           std::to_string(cluster_port) + R"(,"headers":true,"cluster":"blue")" +
                           R"(,"max_payload":1048576,"proto":1})";
  return R"(CONNECT {"echo":true,"verbose":false,"pedantic":false,"tls_required":false,)"
         R"("name":")" +
         id + "\"}\r\nINFO " + info + "\r\n";
}

TEST(ClusterE2E, ADuplicateRouteKeepsTheFirstAndTheSurvivorIsRedialledIfThePeerDropsIt) {
  cluster_ports p;
  server_process g{gnatsd_binary(), node_args(p, 0, {"--cluster_name", "blue"})};
  raw_listener peer_cluster_port;
  const std::string opening = fake_peer_opening("NFAKEPEER", peer_cluster_port.port());
  auto first = std::make_unique<raw_client>(p.route[0]);
  first->send(opening);
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NFAKEPEER\""));
  // nats-server 2.9 keeps the route registered first and closes the newcomer.
  raw_client second{p.route[0]};
  second.send(opening);
  EXPECT_TRUE(second.wait_closed());
  EXPECT_TRUE(g.wait_for_log("Detected duplicate remote route"));
  first->read_some(200);
  EXPECT_FALSE(first->closed()) << g.log();
  // The peer kept the other connection and drops ours: the survivor, though we accepted it,
  // is redialled at the peer's cluster port, so the pair is not left without a route.
  first.reset();
  const auto redial = peer_cluster_port.accept_one(std::chrono::seconds{10});
  ASSERT_TRUE(redial.has_value()) << g.log();
  EXPECT_EQ(redial->rfind("CONNECT ", 0), 0u) << *redial;
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream{path, std::ios::trunc} << text;
  return path;
}

TEST(ClusterE2E, AReloadedPingIntervalAndMaxApplyToRoutesAlreadyUp) {
  cluster_ports p;
  const std::string listen = "cluster { listen: 127.0.0.1:" + std::to_string(p.route[0]) + " }\n";
  const auto conf =
      write_file("/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_route_ping.conf", listen);
  server_process g{gnatsd_binary(),
                   {"-a", "127.0.0.1", "-p", std::to_string(p.client[0]), "-c", conf, "-D"}};
  raw_client peer{p.route[0]};
  peer.send(fake_peer_opening("NSILENTPEER", free_port()));
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NSILENTPEER\""));
  // The peer never answers a PING. With the defaults (2m, 2) it would stay for minutes; the
  // reloaded settings close it as stale within a second.
  write_file(conf, listen + "ping_interval: \"200ms\"\nping_max: 1\n");
  ::kill(g.pid(), SIGHUP);
  ASSERT_TRUE(g.wait_for_log("Reloaded: ping_interval = 200ms")) << g.log();
  EXPECT_NE(peer.read_until("Stale", std::chrono::seconds{10}).find("-ERR 'Stale Connection'"),
            std::string::npos)
      << g.log();
  EXPECT_TRUE(peer.wait_closed());
  EXPECT_TRUE(g.wait_for_log("Stale Route Connection"));
}

std::vector<std::string> loopback_args(const cluster_ports& p, int i) {
  auto args = guide_args(p, i);
  args.insert(args.begin(), {"-a", "127.0.0.1"});
  return args;
}

TEST(ClusterE2E, AClientGivenOneServerLearnsTheOthersAndFailsOver) {
  cluster_ports p;
  auto a = std::make_unique<server_process>(gnatsd_binary(), loopback_args(p, 0));
  server_process b{gnatsd_binary(), loopback_args(p, 1)};
  server_process c{gnatsd_binary(), loopback_args(p, 2)};
  ASSERT_TRUE(wait_mesh({a.get(), &b, &c}));

  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  natsOptions_SetURL(opts, a->url().c_str());
  natsOptions_SetMaxReconnect(opts, 60);
  natsOptions_SetReconnectWait(opts, 100);
  natsConnection* raw = nullptr;
  ASSERT_EQ(natsConnection_Connect(&raw, opts), NATS_OK);
  natsOptions_Destroy(opts);
  conn_ptr nc{raw};
  auto sub = subscribe(nc.get(), "failover");

  // The client learns B and C from connect_urls (its INFO after the first PONG, or later).
  bool learned = false;
  for (int i = 0; i < 200 && !learned; ++i) {
    char** servers = nullptr;
    int count = 0;
    natsConnection_GetDiscoveredServers(nc.get(), &servers, &count);
    learned = count >= 2;
    for (int j = 0; j < count; ++j)
      free(servers[j]);
    free(servers);
    if (!learned) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  ASSERT_TRUE(learned) << "connect_urls never reached the client";

  a.reset();  // kill A: the client must move to B or C and keep its subscription
  auto pub = connect(c.port());
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    natsConnection_PublishString(pub.get(), "failover", "x");
    natsConnection_FlushTimeout(pub.get(), 5000);
    natsMsg* m = nullptr;
    if (natsSubscription_NextMsg(&m, sub.get(), 100) == NATS_OK) {
      natsMsg_Destroy(m);
      delivered = true;
    }
  }
  EXPECT_TRUE(delivered) << "the client did not fail over";
}

TEST(ClusterE2E, MonitoringEndpointsDescribeTheCluster) {
  cluster_ports p;
  const int http = p.http[0];
  server_process a{gnatsd_binary(), loopback_args(p, 0)};
  server_process b{gnatsd_binary(), loopback_args(p, 1)};
  ASSERT_TRUE(wait_mesh({&a, &b}));
  ASSERT_TRUE(a.wait_for_log("Starting http monitor on 127.0.0.1:" + std::to_string(http)));
  auto nc = connect(a.port());
  auto sub = subscribe(nc.get(), "watched");

  const std::string varz = http_get(http, "/varz");
  for (const char* field : {"\"server_id\"", "\"connections\": 1", "\"routes\": 1",
                            "\"max_payload\": 1048576", "\"cluster\"", "\"uptime\""})
    EXPECT_NE(varz.find(field), std::string::npos) << field << " in " << varz;
  const std::string routez = http_get(http, "/routez");
  EXPECT_NE(routez.find("\"num_routes\": 1"), std::string::npos) << routez;
  EXPECT_NE(routez.find("\"remote_id\": \"N"), std::string::npos) << routez;
  const std::string connz = http_get(http, "/connz?subs=1");
  EXPECT_NE(connz.find("\"num_connections\": 1"), std::string::npos) << connz;
  EXPECT_NE(connz.find("\"watched\""), std::string::npos) << connz;
  EXPECT_NE(connz.find("\"lang\": \"C\""), std::string::npos) << connz;
  const std::string subsz = http_get(http, "/subsz?subs=1");
  EXPECT_NE(subsz.find("\"subject\": \"watched\""), std::string::npos) << subsz;
  EXPECT_EQ(http_get(http, "/healthz"), "{\"status\":\"ok\"}");
  int status = 0;
  http_get(http, "/connz?sort=stop", &status);
  EXPECT_EQ(status, 400);
  {
    raw_client gone{a.port()};
    gone.send("CONNECT {\"verbose\":false,\"name\":\"leaver\"}\r\nPING\r\n");
    gone.read_until("PONG");
  }
  std::string closed;
  for (int i = 0; i < 100 && closed.find("leaver") == std::string::npos; ++i) {
    closed = http_get(http, "/connz?state=closed&sort=stop");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_NE(closed.find("\"name\": \"leaver\""), std::string::npos) << closed;
  EXPECT_NE(closed.find("\"reason\": \"Client Closed\""), std::string::npos) << closed;
  http_get(http, "/nope", &status);
  EXPECT_EQ(status, 404);
}

}  // namespace
}  // namespace gnatsd::testing
