// End-to-end tests of gateways (superclusters): real gnatsd and nats-server processes, real
// sockets and the NATS C client. Two clusters of two servers each are joined by gateways,
// all gnatsd and mixed (each cluster one gnatsd and one nats-server); every publisher
// reaches every subscriber once, queue groups prefer their own cluster and fall back to the
// other, requests are answered across. A third cluster configured with only one seed
// learns the others by gossip. The gateway port treats its peer as hostile until CONNECT.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

struct node {
  std::string binary;
  std::string cluster;
  int client = 0, route = 0, gateway = 0;
};

std::string node_config(const node& n, const std::vector<node>& all,
                        const std::vector<std::string>& seeds) {
  std::string routes, gateways;
  for (const auto& o : all) {
    if (o.cluster == n.cluster && o.route != n.route)
      routes += "\"nats://127.0.0.1:" + std::to_string(o.route) + "\", ";
  }
  for (const auto& cluster : seeds) {
    if (cluster == n.cluster) continue;
    for (const auto& o : all)
      if (o.cluster == cluster) {  // the first server of that cluster is its seed
        gateways += "{name: " + cluster + ", url: \"nats://127.0.0.1:" + std::to_string(o.gateway) +
                    "\"}, ";
        break;
      }
  }
  return "listen: 127.0.0.1:" + std::to_string(n.client) + "\nserver_name: " + n.cluster +
         std::to_string(n.client) + "\ncluster { name: " + n.cluster +
         ", listen: 127.0.0.1:" + std::to_string(n.route) + ", routes: [" + routes +
         "] }\ngateway { name: " + n.cluster + ", listen: 127.0.0.1:" + std::to_string(n.gateway) +
         ", gateways: [" + gateways + "] }\n";
}

// Starts every node; `seeds(cluster)` names the clusters that node's config lists.
std::vector<std::unique_ptr<server_process>> start(
    std::vector<node>& nodes, const std::function<std::vector<std::string>(const node&)>& seeds) {
  for (auto& n : nodes) {
    n.client = free_port();
    n.route = free_port();
    n.gateway = free_port();
  }
  std::vector<std::unique_ptr<server_process>> out;
  for (const auto& n : nodes)
    out.push_back(std::make_unique<server_process>(
        n.binary,
        std::vector<std::string>{"-c", write_config("gw_" + std::to_string(n.client) + ".conf",
                                                    node_config(n, nodes, seeds(n)))}));
  return out;
}

// Waits until every server has its outbound gateway to every other cluster.
void wait_supercluster(const std::vector<node>& nodes,
                       const std::vector<std::unique_ptr<server_process>>& servers) {
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& o : nodes) {
      if (o.cluster == nodes[i].cluster) continue;
      ASSERT_TRUE(servers[i]->wait_for_log("Outbound gateway connection to \"" + o.cluster + "\"",
                                           std::chrono::seconds{20}))
          << nodes[i].binary << " never reached " << o.cluster << ":\n"
          << servers[i]->log();
    }
}

std::vector<node> two_clusters(const std::string& a1, const std::string& a2, const std::string& b1,
                               const std::string& b2) {
  return {{a1, "A"}, {a2, "A"}, {b1, "B"}, {b2, "B"}};
}

// Both clusters list each other; every server has its own outbound to the other cluster.
std::vector<std::string> both(const node&) {
  return {"A", "B"};
}

class Supercluster : public ::testing::TestWithParam<int> {
 protected:
  std::vector<node> nodes() const {
    const std::string g = gnatsd_binary(), n = nats_server_binary();
    if (GetParam() == 0) return two_clusters(g, g, g, g);
    return two_clusters(g, n, n, g);  // mixed: each cluster one of each
  }
};

TEST_P(Supercluster, EveryPublisherReachesEverySubscriberOnce) {
  auto nodes = this->nodes();
  auto servers = start(nodes, both);
  wait_supercluster(nodes, servers);
  std::vector<conn_ptr> conns;
  std::vector<sub_ptr> subs;
  for (auto& s : servers) {
    conns.push_back(connect(*s));
    subs.push_back(subscribe(conns.back().get(), "pairs"));
  }
  for (size_t from = 0; from < servers.size(); ++from)
    for (size_t to = 0; to < servers.size(); ++to) {
      // Interest crosses clusters asynchronously: probe until it arrived, then count.
      const int got = publish_and_receive(conns[from].get(), subs[to].get(), "pairs", 20);
      EXPECT_EQ(got, 20) << "from " << nodes[from].binary << " (" << nodes[from].cluster << ") to "
                         << nodes[to].binary << " (" << nodes[to].cluster << ")";
      for (size_t other = 0; other < subs.size(); ++other)
        if (other != to) drain(subs[other].get(), 50);
    }
}

TEST_P(Supercluster, QueueGroupsPreferTheirClusterAndFallBackToAnother) {
  auto nodes = this->nodes();
  auto servers = start(nodes, both);
  wait_supercluster(nodes, servers);
  auto pub = connect(*servers[0]);
  auto a_conn = connect(*servers[1]);
  auto b_conn = connect(*servers[3]);
  auto a_member = subscribe(a_conn.get(), "work", "q");
  auto b_member = subscribe(b_conn.get(), "work", "q");
  auto probe_a = subscribe(a_conn.get(), "work");
  auto probe_b = subscribe(b_conn.get(), "work");
  wait_for_interest(pub.get(), probe_a.get(), "work");
  wait_for_interest(pub.get(), probe_b.get(), "work");
  drain(a_member.get(), 200);
  drain(b_member.get(), 200);
  for (int i = 0; i < 50; ++i)
    natsConnection_PublishString(pub.get(), "work", "m");
  natsConnection_FlushTimeout(pub.get(), 5000);
  // A member in the publisher's cluster takes every message; the other cluster's none.
  EXPECT_EQ(receive(a_member.get(), 50), 50);
  EXPECT_EQ(drain(b_member.get(), 500), 0);
  // Without a member in cluster A, cluster B's member takes each message once.
  a_member.reset();
  natsConnection_FlushTimeout(a_conn.get(), 5000);
  int got = 0;
  for (int round = 0; round < 100 && got == 0; ++round) {
    natsConnection_PublishString(pub.get(), "work", "probe");
    natsConnection_FlushTimeout(pub.get(), 5000);
    got = drain(b_member.get(), 100);
  }
  ASSERT_GT(got, 0) << "cluster B's member never got a message";
  drain(b_member.get(), 300);
  for (int i = 0; i < 50; ++i)
    natsConnection_PublishString(pub.get(), "work", "m");
  natsConnection_FlushTimeout(pub.get(), 5000);
  EXPECT_EQ(receive(b_member.get(), 50), 50);
}

TEST_P(Supercluster, RequestsAreAnsweredAcrossClusters) {
  auto nodes = this->nodes();
  auto servers = start(nodes, both);
  wait_supercluster(nodes, servers);
  // Every requester server against every responder server of the other cluster.
  for (size_t req = 0; req < servers.size(); ++req)
    for (size_t resp = 0; resp < servers.size(); ++resp) {
      if (nodes[req].cluster == nodes[resp].cluster) continue;
      auto responder = connect(*servers[resp]);
      auto requester = connect(*servers[req]);
      const std::string subject = "svc." + std::to_string(req) + "." + std::to_string(resp);
      auto requests = subscribe(responder.get(), subject.c_str());
      natsConnection_FlushTimeout(responder.get(), 5000);
      natsMsg* reply = nullptr;
      natsStatus st = NATS_TIMEOUT;
      for (int attempt = 0; attempt < 50 && st != NATS_OK; ++attempt) {
        // The request goes out; the responder answers it on its (plain) reply subject.
        natsInbox* inbox = nullptr;
        natsInbox_Create(&inbox);
        auto requests_seen = [&]() {
          natsMsg* m = nullptr;
          if (natsSubscription_NextMsg(&m, requests.get(), 200) != NATS_OK) return;
          natsConnection_PublishString(responder.get(), natsMsg_GetReply(m), "answer");
          natsConnection_Flush(responder.get());
          natsMsg_Destroy(m);
        };
        natsSubscription* inbox_sub = nullptr;
        natsConnection_SubscribeSync(&inbox_sub, requester.get(), inbox);
        natsConnection_PublishRequestString(requester.get(), subject.c_str(), inbox, "q");
        natsConnection_Flush(requester.get());
        requests_seen();
        st = natsSubscription_NextMsg(&reply, inbox_sub, 500);
        natsSubscription_Destroy(inbox_sub);
        natsInbox_Destroy(inbox);
      }
      ASSERT_EQ(st, NATS_OK) << nodes[req].binary << " (" << nodes[req].cluster << ") asking "
                             << nodes[resp].binary << " (" << nodes[resp].cluster << ")";
      EXPECT_EQ(std::string(natsMsg_GetData(reply)), "answer");
      natsMsg_Destroy(reply);
    }
}

INSTANTIATE_TEST_SUITE_P(GatewayE2E, Supercluster, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return i.param == 0 ? std::string{"AllGnatsd"}
                                               : std::string{"MixedWithNatsServer"};
                         });

// Three clusters: B and C list only A. Gossip over A's gateways and over routes makes every
// server of every cluster reach every other cluster, nats-server's implicit gateways.
TEST(GatewayE2E, ClustersLearnEachOtherFromOneSeed) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  std::vector<node> nodes = {{g, "A"}, {n, "A"}, {g, "B"}, {g, "B"}, {n, "C"}, {g, "C"}};
  auto servers = start(nodes, [](const node& x) {
    return x.cluster == "A" ? std::vector<std::string>{} : std::vector<std::string>{"A"};
  });
  wait_supercluster(nodes, servers);
  auto sub_conn = connect(*servers[4]);  // nats-server in C
  auto sub = subscribe(sub_conn.get(), "far");
  auto pub = connect(*servers[3]);  // gnatsd in B, which knew only A
  EXPECT_EQ(publish_and_receive(pub.get(), sub.get(), "far", 20), 20);
}

// The NATS documentation's supercluster: three one-server clusters sharing one gateway list
// (each server skips its own entry), with gateway authorization and the credentials in the
// URLs; gnatsd and nats-server side by side.
std::string documentation_config(const std::string& name, int client, const std::vector<int>& gw) {
  return "port: " + std::to_string(client) + "\ngateway {\n  name: \"" + name +
         "\"\n  listen: \"localhost:" + std::to_string(gw[name[0] - 'A']) +
         "\"\n  authorization {\n    user: gwu\n    password: gwp\n  }\n  gateways: [\n"
         "    {name: \"A\", url: \"nats://gwu:gwp@localhost:" +
         std::to_string(gw[0]) +
         "\"},\n"
         "    {name: \"B\", url: \"nats://gwu:gwp@localhost:" +
         std::to_string(gw[1]) +
         "\"},\n"
         "    {name: \"C\", url: \"nats://gwu:gwp@localhost:" +
         std::to_string(gw[2]) +
         "\"},\n"
         "  ]\n}\n";
}

TEST(GatewayE2E, TheDocumentationsSuperclusterExampleWorksMixed) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& binaries :
       {std::vector<std::string>{g, n, g}, std::vector<std::string>{g, g, g}}) {
    const std::vector<int> gw = {free_port(), free_port(), free_port()};
    std::vector<std::unique_ptr<server_process>> servers;
    for (int i = 0; i < 3; ++i) {
      const std::string name(1, static_cast<char>('A' + i));
      const int client = free_port();
      servers.push_back(std::make_unique<server_process>(
          binaries[static_cast<size_t>(i)],
          std::vector<std::string>{"-c", write_config("gwdoc_" + std::to_string(client) + ".conf",
                                                      documentation_config(name, client, gw))}));
    }
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        if (i == j) continue;
        const std::string other(1, static_cast<char>('A' + j));
        ASSERT_TRUE(servers[static_cast<size_t>(i)]->wait_for_log(
            "Outbound gateway connection to \"" + other + "\"", std::chrono::seconds{20}))
            << binaries[static_cast<size_t>(i)] << ":\n"
            << servers[static_cast<size_t>(i)]->log();
      }
    for (int from = 0; from < 3; ++from)
      for (int to = 0; to < 3; ++to) {
        if (from == to) continue;
        auto sub_conn = connect(*servers[static_cast<size_t>(to)]);
        auto sub = subscribe(sub_conn.get(), "docs");
        auto pub = connect(*servers[static_cast<size_t>(from)]);
        EXPECT_EQ(publish_and_receive(pub.get(), sub.get(), "docs", 10), 10)
            << static_cast<char>('A' + from) << " -> " << static_cast<char>('A' + to);
      }
    // No credential reaches a log (the URLs carry them).
    for (const auto& s : servers)
      if (s->log().find("gwp") != std::string::npos && binaries[0] == g)
        ADD_FAILURE() << "a gateway password in a log:\n" << s->log();
  }
}

// Accounts across a mixed supercluster: a message crosses in its own account only, and a
// request through a service import is answered by a responder of the exporting account in
// the other cluster.
std::string accounts_config(const std::string& name, int client, int gw, int other_gw,
                            const std::string& other) {
  return "port: " + std::to_string(client) + R"(
accounts {
  ORDERS: { users: [{user: ord, password: o}]
            exports: [{stream: "orders.>"}, {service: "orders.lookup"}] }
  WEB: { users: [{user: web, password: w}]
         imports: [{stream: {account: ORDERS, subject: "orders.>"}, prefix: "feed"}
                   {service: {account: ORDERS, subject: "orders.lookup"}, to: "lookup"}] }
  OTHER: { users: [{user: oth, password: x}] }
}
gateway { name: )" +
         name + ", listen: 127.0.0.1:" + std::to_string(gw) + ", gateways: [{name: " + other +
         ", url: \"nats://127.0.0.1:" + std::to_string(other_gw) + "\"}] }\n";
}

conn_ptr connect_as(const server_process& s, const std::string& user, const std::string& pass) {
  natsConnection* nc = nullptr;
  const std::string url = "nats://" + user + ":" + pass + "@127.0.0.1:" + std::to_string(s.port());
  const natsStatus st = natsConnection_ConnectTo(&nc, url.c_str());
  EXPECT_EQ(st, NATS_OK) << natsStatus_GetText(st);
  return conn_ptr{nc};
}

TEST(GatewayE2E, AccountsStayApartAcrossAMixedSupercluster) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& [a_bin, b_bin] : {std::pair{g, n}, std::pair{n, g}}) {
    const int ca = free_port(), cb = free_port(), ga = free_port(), gb = free_port();
    server_process a{a_bin,
                     {"-c", write_config("gwacc_a_" + std::to_string(ca) + ".conf",
                                         accounts_config("A", ca, ga, gb, "B"))}};
    server_process b{b_bin,
                     {"-c", write_config("gwacc_b_" + std::to_string(cb) + ".conf",
                                         accounts_config("B", cb, gb, ga, "A"))}};
    ASSERT_TRUE(a.wait_for_log("Outbound gateway connection to \"B\"", std::chrono::seconds{20}));
    ASSERT_TRUE(b.wait_for_log("Outbound gateway connection to \"A\"", std::chrono::seconds{20}));
    // ORDERS publishes in cluster A; WEB reads it under its prefix in cluster B, OTHER never.
    auto orders = connect_as(a, "ord", "o");
    auto web = connect_as(b, "web", "w");
    auto other = connect_as(b, "oth", "x");
    auto feed = subscribe(web.get(), "feed.orders.new");
    auto leak = subscribe(other.get(), ">");
    natsConnection_FlushTimeout(other.get(), 5000);
    EXPECT_EQ(publish_and_receive(orders.get(), feed.get(), "orders.new", 10), 10)
        << a_bin << " -> " << b_bin;
    // WEB in cluster A asks through its import; ORDERS' responder is in cluster B.
    auto responder_conn = connect_as(b, "ord", "o");
    auto requests = subscribe(responder_conn.get(), "orders.lookup");
    natsConnection_FlushTimeout(responder_conn.get(), 5000);
    auto asker = connect_as(a, "web", "w");
    natsMsg* reply = nullptr;
    natsStatus st = NATS_TIMEOUT;
    for (int attempt = 0; attempt < 50 && st != NATS_OK; ++attempt) {
      natsInbox* inbox = nullptr;
      natsInbox_Create(&inbox);
      natsSubscription* inbox_sub = nullptr;
      natsConnection_SubscribeSync(&inbox_sub, asker.get(), inbox);
      natsConnection_PublishRequestString(asker.get(), "lookup", inbox, "id-7");
      natsConnection_Flush(asker.get());
      natsMsg* req = nullptr;
      if (natsSubscription_NextMsg(&req, requests.get(), 300) == NATS_OK) {
        natsConnection_PublishString(responder_conn.get(), natsMsg_GetReply(req), "found");
        natsConnection_Flush(responder_conn.get());
        natsMsg_Destroy(req);
      }
      st = natsSubscription_NextMsg(&reply, inbox_sub, 500);
      natsSubscription_Destroy(inbox_sub);
      natsInbox_Destroy(inbox);
    }
    ASSERT_EQ(st, NATS_OK) << "no answer through the import across the gateway, " << a_bin << " -> "
                           << b_bin;
    EXPECT_EQ(std::string(natsMsg_GetData(reply)), "found");
    natsMsg_Destroy(reply);
    EXPECT_EQ(drain(leak.get(), 300), 0) << "a message crossed into account OTHER";
  }
}

// The same bytes on the gateway port of each server give the same replies.
std::string gateway_port_reply(const std::string& binary, const std::string& bytes,
                               const std::string& extra = "") {
  const int client = free_port(), gw = free_port();
  server_process s{binary,
                   {"-c", write_config("gwp_" + std::to_string(client) + ".conf",
                                       "listen: 127.0.0.1:" + std::to_string(client) +
                                           "\ngateway { name: A, listen: 127.0.0.1:" +
                                           std::to_string(gw) + extra + " }\n")}};
  raw_client c{gw};
  c.read_until("\r\n");  // the INFO
  c.send(bytes);
  c.wait_closed(std::chrono::seconds{5});
  std::string got = c.received();
  return got.substr(got.find("\r\n") + 2);
}

TEST(GatewayE2E, TheGatewayPortTreatsItsPeerAsHostileUntilConnect) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const std::string bytes :
       {"PING\r\n", "RMSG $G foo 2\r\nhi\r\n", "garbage\r\n", "CONNECT {\"verbose\":false}\r\n",
        "CONNECT {\"lang\":\"C\"}\r\nPING\r\n"})
    EXPECT_EQ(gateway_port_reply(g, bytes), gateway_port_reply(n, bytes)) << bytes;
  const std::string auth = ", authorization: { user: gw, password: secret }";
  for (const std::string bytes :
       {"CONNECT {\"gateway\":\"B\",\"user\":\"gw\",\"pass\":\"wrong\"}\r\n",
        "CONNECT {\"gateway\":\"B\"}\r\n"})
    EXPECT_EQ(gateway_port_reply(g, bytes, auth), gateway_port_reply(n, bytes, auth)) << bytes;
}

}  // namespace
}  // namespace gnatsd::testing
