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
        gateways += "{name: " + cluster + ", url: \"nats://127.0.0.1:" +
                    std::to_string(o.gateway) + "\"}, ";
        break;
      }
  }
  return "listen: 127.0.0.1:" + std::to_string(n.client) + "\nserver_name: " + n.cluster +
         std::to_string(n.client) + "\ncluster { name: " + n.cluster +
         ", listen: 127.0.0.1:" + std::to_string(n.route) + ", routes: [" + routes +
         "] }\ngateway { name: " + n.cluster + ", listen: 127.0.0.1:" +
         std::to_string(n.gateway) + ", gateways: [" + gateways + "] }\n";
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
        n.binary, std::vector<std::string>{
                      "-c", write_config("gw_" + std::to_string(n.client) + ".conf",
                                         node_config(n, nodes, seeds(n)))}));
  return out;
}

// Waits until every server has its outbound gateway to every other cluster.
void wait_supercluster(const std::vector<node>& nodes,
                       const std::vector<std::unique_ptr<server_process>>& servers) {
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& o : nodes) {
      if (o.cluster == nodes[i].cluster) continue;
      ASSERT_TRUE(servers[i]->wait_for_log(
          "Outbound gateway connection to \"" + o.cluster + "\"", std::chrono::seconds{20}))
          << nodes[i].binary << " never reached " << o.cluster << ":\n" << servers[i]->log();
    }
}

std::vector<node> two_clusters(const std::string& a1, const std::string& a2,
                               const std::string& b1, const std::string& b2) {
  return {{a1, "A"}, {a2, "A"}, {b1, "B"}, {b2, "B"}};
}

// Both clusters list each other; every server has its own outbound to the other cluster.
std::vector<std::string> both(const node&) { return {"A", "B"}; }

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
      EXPECT_EQ(got, 20) << "from " << nodes[from].binary << " (" << nodes[from].cluster
                         << ") to " << nodes[to].binary << " (" << nodes[to].cluster << ")";
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
       {"PING\r\n", "RMSG $G foo 2\r\nhi\r\n", "garbage\r\n",
        "CONNECT {\"verbose\":false}\r\n", "CONNECT {\"lang\":\"C\"}\r\nPING\r\n"})
    EXPECT_EQ(gateway_port_reply(g, bytes), gateway_port_reply(n, bytes)) << bytes;
  const std::string auth = ", authorization: { user: gw, password: secret }";
  for (const std::string bytes :
       {"CONNECT {\"gateway\":\"B\",\"user\":\"gw\",\"pass\":\"wrong\"}\r\n",
        "CONNECT {\"gateway\":\"B\"}\r\n"})
    EXPECT_EQ(gateway_port_reply(g, bytes, auth), gateway_port_reply(n, bytes, auth)) << bytes;
}

}  // namespace
}  // namespace gnatsd::testing
