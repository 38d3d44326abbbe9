// End-to-end tests of leafnodes: real gnatsd and nats-server processes, real sockets and the
// NATS C client. A leaf server dials a hub's leafnode port; messages, interest, queue groups
// and requests cross both ways, with gnatsd in either role and beside nats-server. A leaf
// reaches every server of a hub cluster; a leaf cluster (two leaf servers routed together,
// each with its own link to the hub) gets every message once. Loops are detected,
// deny_exports/deny_imports hold, a leaf binds the account its login names, and the
// leafnode port treats its peer as hostile until CONNECT.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"
#include "../support/msg_transcript.hpp"

namespace gnatsd::testing {
namespace {

using process_ptr = std::unique_ptr<server_process>;

process_ptr start(const std::string& binary, const std::string& name, const std::string& config) {
  return std::make_unique<server_process>(
      binary, std::vector<std::string>{"-c", write_config("leaf_" + name + ".conf", config)});
}

std::string hub_config(const std::string& name, int client, int leaf, const std::string& extra = "",
                       const std::string& leaf_extra = "") {
  return "listen: 127.0.0.1:" + std::to_string(client) + "\nserver_name: " + name +
         "\nleafnodes { listen: 127.0.0.1:" + std::to_string(leaf) + leaf_extra + " }\n" + extra;
}

std::string leaf_config(const std::string& name, int client, const std::string& remotes,
                        const std::string& extra = "") {
  return "listen: 127.0.0.1:" + std::to_string(client) + "\nserver_name: " + name +
         "\nleafnodes { remotes: [ " + remotes + " ] }\n" + extra;
}

std::string remote(int leaf_port, const std::string& more = "") {
  return "{ url: \"nats-leaf://127.0.0.1:" + std::to_string(leaf_port) + "\"" + more + " }";
}

struct pair_case {
  std::string hub, leaf;
};

class LeafPair : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    const std::string g = gnatsd_binary(), n = nats_server_binary();
    const pair_case cases[] = {{g, g}, {g, n}, {n, g}};
    const auto& c = cases[GetParam()];
    const int hub_client = free_port(), hub_leaf = free_port(), leaf_client = free_port();
    hub_ =
        start(c.hub, "hub" + std::to_string(hub_client), hub_config("hub", hub_client, hub_leaf));
    leaf_ = start(c.leaf, "leaf" + std::to_string(leaf_client),
                  leaf_config("leaf", leaf_client, remote(hub_leaf)));
  }
  process_ptr hub_, leaf_;
};

TEST_P(LeafPair, MessagesCrossBothWaysExactlyOnce) {
  auto at_hub = connect(*hub_);
  auto at_leaf = connect(*leaf_);
  auto down = subscribe(at_leaf.get(), "down.>");
  auto up = subscribe(at_hub.get(), "up.*");
  EXPECT_EQ(publish_and_receive(at_hub.get(), down.get(), "down.x", 50), 50);
  EXPECT_EQ(publish_and_receive(at_leaf.get(), up.get(), "up.y", 50), 50);
  // Headers cross intact.
  natsMsg* m = nullptr;
  natsMsg_Create(&m, "down.h", nullptr, "body", 4);
  natsMsgHeader_Set(m, "Trace", "abc");
  natsConnection_PublishMsg(at_hub.get(), m);
  natsMsg_Destroy(m);
  natsConnection_FlushTimeout(at_hub.get(), 5000);
  auto got = next(down.get());
  ASSERT_TRUE(got);
  const char* value = nullptr;
  EXPECT_EQ(natsMsgHeader_Get(got.get(), "Trace", &value), NATS_OK);
  EXPECT_STREQ(value, "abc");
  EXPECT_EQ(data_of(got), "body");
}

TEST_P(LeafPair, InterestGoneStopsTheFlow) {
  auto at_hub = connect(*hub_);
  auto at_leaf = connect(*leaf_);
  auto probe = subscribe(at_hub.get(), "gone");
  auto sub = subscribe(at_leaf.get(), "gone");
  EXPECT_EQ(publish_and_receive(at_hub.get(), sub.get(), "gone", 5), 5);
  sub.reset();
  natsConnection_FlushTimeout(at_leaf.get(), 5000);
  // Once the LS- arrived, a fresh subscriber on the leaf gets exactly what is published after.
  drain(probe.get(), 100);
  auto again = subscribe(at_leaf.get(), "gone");
  EXPECT_EQ(publish_and_receive(at_hub.get(), again.get(), "gone", 10), 10);
}

// A request on one side is answered on the other, both ways round.
void expect_answered(natsConnection* requester, natsConnection* responder, const char* subject) {
  auto requests = subscribe(responder, subject);
  natsConnection_FlushTimeout(responder, 5000);
  natsMsg* reply = nullptr;
  natsStatus st = NATS_TIMEOUT;
  for (int attempt = 0; attempt < 50 && st != NATS_OK; ++attempt) {
    natsInbox* inbox = nullptr;
    natsInbox_Create(&inbox);
    natsSubscription* inbox_sub = nullptr;
    natsConnection_SubscribeSync(&inbox_sub, requester, inbox);
    natsConnection_FlushTimeout(requester, 5000);
    natsConnection_PublishRequestString(requester, subject, inbox, "q");
    natsConnection_Flush(requester);
    natsMsg* req = nullptr;
    if (natsSubscription_NextMsg(&req, requests.get(), 300) == NATS_OK) {
      natsConnection_PublishString(responder, natsMsg_GetReply(req), "answer");
      natsConnection_Flush(responder);
      natsMsg_Destroy(req);
    }
    st = natsSubscription_NextMsg(&reply, inbox_sub, 500);
    natsSubscription_Destroy(inbox_sub);
    natsInbox_Destroy(inbox);
  }
  ASSERT_EQ(st, NATS_OK) << "no answer for " << subject;
  EXPECT_EQ(std::string(natsMsg_GetData(reply)), "answer");
  natsMsg_Destroy(reply);
}

TEST_P(LeafPair, RequestsAreAnsweredAcross) {
  auto at_hub = connect(*hub_);
  auto at_leaf = connect(*leaf_);
  expect_answered(at_leaf.get(), at_hub.get(), "svc.from.leaf");
  expect_answered(at_hub.get(), at_leaf.get(), "svc.from.hub");
}

// Queue groups are served by a member on the publisher's side while it has one, and by the
// other side's member otherwise.
void expect_local_preference(natsConnection* pub, natsConnection* near_conn,
                             natsConnection* far_conn, const char* subject) {
  auto near_member = subscribe(near_conn, subject, "workers");
  auto far_member = subscribe(far_conn, subject, "workers");
  auto far_probe = subscribe(far_conn, subject);
  wait_for_interest(pub, far_probe.get(), subject);
  drain(near_member.get(), 200);
  drain(far_member.get(), 200);
  for (int i = 0; i < 50; ++i)
    natsConnection_PublishString(pub, subject, "m");
  natsConnection_FlushTimeout(pub, 5000);
  EXPECT_EQ(receive(near_member.get(), 50), 50) << subject;
  EXPECT_EQ(drain(far_member.get(), 300), 0) << subject;
  near_member.reset();
  natsConnection_FlushTimeout(near_conn, 5000);
  int got = 0;
  for (int round = 0; round < 100 && got == 0; ++round) {
    natsConnection_PublishString(pub, subject, "probe");
    natsConnection_FlushTimeout(pub, 5000);
    got = drain(far_member.get(), 100);
  }
  ASSERT_GT(got, 0) << "the far member never took over " << subject;
  drain(far_member.get(), 300);
  for (int i = 0; i < 50; ++i)
    natsConnection_PublishString(pub, subject, "m");
  natsConnection_FlushTimeout(pub, 5000);
  EXPECT_EQ(receive(far_member.get(), 50), 50) << subject;
}

TEST_P(LeafPair, QueueGroupsPreferLocalMembers) {
  auto at_hub = connect(*hub_);
  auto at_leaf = connect(*leaf_);
  expect_local_preference(at_hub.get(), at_hub.get(), at_leaf.get(), "q.hub");
  expect_local_preference(at_leaf.get(), at_leaf.get(), at_hub.get(), "q.leaf");
}

std::string pair_name(const ::testing::TestParamInfo<int>& i) {
  static const char* const names[] = {"GnatsdHubGnatsdLeaf", "GnatsdHubNatsServerLeaf",
                                      "NatsServerHubGnatsdLeaf"};
  return names[i.param];
}

INSTANTIATE_TEST_SUITE_P(LeafE2E, LeafPair, ::testing::Values(0, 1, 2), pair_name);

// A hub cluster of two (one of each server when mixed), a leaf on its first server: the leaf
// reaches subscribers on both, and publishers on both reach the leaf, each message once.
TEST(LeafE2E, ALeafReachesEveryServerOfItsHubCluster) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g, g}, std::vector<std::string>{g, n, g},
                           std::vector<std::string>{n, g, g}, std::vector<std::string>{g, g, n}}) {
    const int c1 = free_port(), c2 = free_port(), r1 = free_port(), r2 = free_port(),
              l1 = free_port(), l2 = free_port(), lc = free_port();
    auto cluster = [&](int route, int other) {
      return "cluster { name: hubs, listen: 127.0.0.1:" + std::to_string(route) +
             ", routes: [\"nats://127.0.0.1:" + std::to_string(other) + "\"] }\n";
    };
    auto h1 = start(bins[0], "h1_" + std::to_string(c1), hub_config("h1", c1, l1, cluster(r1, r2)));
    auto h2 = start(bins[1], "h2_" + std::to_string(c2), hub_config("h2", c2, l2, cluster(r2, r1)));
    auto leaf = start(bins[2], "l_" + std::to_string(lc), leaf_config("edge", lc, remote(l1)));
    auto at_h2 = connect(*h2);
    auto at_leaf = connect(*leaf);
    auto far = subscribe(at_h2.get(), "across");
    EXPECT_EQ(publish_and_receive(at_leaf.get(), far.get(), "across", 40), 40)
        << bins[0] << " / " << bins[1] << " / leaf " << bins[2] << "\n"
        << h1->log() << "\n---\n"
        << leaf->log();
    auto back = subscribe(at_leaf.get(), "back");
    EXPECT_EQ(publish_and_receive(at_h2.get(), back.get(), "back", 40), 40)
        << bins[0] << " / " << bins[1] << " / leaf " << bins[2];
  }
}

// A leaf configured with one hub server learns the others from the hub's INFO
// (leafnode_urls) and moves to one of them when its hub goes away.
TEST(LeafE2E, ALeafMovesToAnotherServerOfItsHubCluster) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g, g}, std::vector<std::string>{n, n, g},
                           std::vector<std::string>{g, g, n}}) {
    const int c1 = free_port(), c2 = free_port(), r1 = free_port(), r2 = free_port(),
              l1 = free_port(), l2 = free_port(), lc = free_port();
    auto cluster = [&](int route, int other) {
      return "cluster { name: hubs, listen: 127.0.0.1:" + std::to_string(route) +
             ", routes: [\"nats://127.0.0.1:" + std::to_string(other) + "\"] }\n";
    };
    auto h1 = start(bins[0], "m1_" + std::to_string(c1), hub_config("h1", c1, l1, cluster(r1, r2)));
    auto h2 = start(bins[1], "m2_" + std::to_string(c2), hub_config("h2", c2, l2, cluster(r2, r1)));
    auto at_h2 = connect(*h2);
    auto probe = subscribe(at_h2.get(), "probe");
    natsConnection_FlushTimeout(at_h2.get(), 5000);
    // The hubs have met before the leaf connects, so its INFO lists both.
    auto at_h1 = connect(*h1);
    wait_for_interest(at_h1.get(), probe.get(), "probe");
    auto leaf = start(bins[2], "ml_" + std::to_string(lc), leaf_config("edge", lc, remote(l1)));
    auto at_leaf = connect(*leaf);
    auto sub = subscribe(at_h2.get(), "moved");
    const std::string label = "hubs " + bins[0] + ", " + bins[1] + ", leaf " + bins[2];
    ASSERT_EQ(publish_and_receive(at_leaf.get(), sub.get(), "moved", 5), 5) << label;
    at_h1.reset();
    h1->stop(SIGTERM);
    // The leaf's reconnect goes to h2, which it only heard of from h1's INFO.
    EXPECT_EQ(publish_and_receive(at_leaf.get(), sub.get(), "moved", 10), 10) << label << "\n"
                                                                              << leaf->log();
  }
}

// A leaf of one cluster of a supercluster reaches the other cluster over the gateway, both
// ways, and requests are answered across. Gateways and leafnodes together need a system
// account; the clients log in to APP (no_auth_user) and the leaf is bound to it.
TEST(LeafE2E, ALeafReachesASuperclusterBehindItsHub) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g, g}, std::vector<std::string>{g, n, g},
                           std::vector<std::string>{n, g, g}, std::vector<std::string>{g, g, n}}) {
    const int ac = free_port(), ag = free_port(), al = free_port(), bc = free_port(),
              bg = free_port(), lc = free_port();
    auto cluster = [&](const std::string& name, int port, const std::string& other,
                       int other_port) {
      return "accounts { SYS: { users: [ {user: sys, password: sys} ] }, APP: { users: [ "
             "{user: app, password: app} ] } }\nsystem_account: SYS\nno_auth_user: app\n"
             "gateway { name: " +
             name + ", listen: 127.0.0.1:" + std::to_string(port) +
             ", gateways: [ {name: " + other +
             ", url: \"nats://127.0.0.1:" + std::to_string(other_port) + "\"} ] }\n";
    };
    auto a = start(bins[0], "sa_" + std::to_string(ac),
                   hub_config("a", ac, al, cluster("A", ag, "B", bg),
                              ", authorization { user: leaf, password: pw, account: APP }"));
    auto b = start(bins[1], "sb_" + std::to_string(bc),
                   "listen: 127.0.0.1:" + std::to_string(bc) + "\nserver_name: b\n" +
                       cluster("B", bg, "A", ag));
    auto leaf =
        start(bins[2], "sl_" + std::to_string(lc),
              leaf_config("edge", lc,
                          "{ url: \"nats-leaf://leaf:pw@127.0.0.1:" + std::to_string(al) + "\" }"));
    const std::string label = "A " + bins[0] + ", B " + bins[1] + ", leaf " + bins[2];
    auto at_b = connect(*b);
    auto at_leaf = connect(*leaf);
    auto far = subscribe(at_b.get(), "super.up");
    EXPECT_EQ(publish_and_receive(at_leaf.get(), far.get(), "super.up", 20), 20) << label;
    auto down = subscribe(at_leaf.get(), "super.down");
    EXPECT_EQ(publish_and_receive(at_b.get(), down.get(), "super.down", 20), 20) << label;
    expect_answered(at_leaf.get(), at_b.get(), "super.svc");
  }
}

// A leaf cluster: two leaf servers routed together, each with its own link to the hub. A
// message reaches every subscriber once: none comes back to the leaf cluster from the hub.
TEST(LeafE2E, ALeafClusterGetsEveryMessageOnce) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g, g}, std::vector<std::string>{n, g, n},
                           std::vector<std::string>{g, n, g}}) {
    const int hc = free_port(), hl = free_port(), c1 = free_port(), c2 = free_port(),
              r1 = free_port(), r2 = free_port();
    auto hub = start(bins[0], "hub_" + std::to_string(hc), hub_config("hub", hc, hl));
    auto cluster = [&](int route, int other) {
      return "cluster { name: edge, listen: 127.0.0.1:" + std::to_string(route) +
             ", routes: [\"nats://127.0.0.1:" + std::to_string(other) + "\"] }\n";
    };
    auto e1 = start(bins[1], "e1_" + std::to_string(c1),
                    leaf_config("e1", c1, remote(hl), cluster(r1, r2)));
    auto e2 = start(bins[2], "e2_" + std::to_string(c2),
                    leaf_config("e2", c2, remote(hl), cluster(r2, r1)));
    auto at_hub = connect(*hub);
    auto at_e1 = connect(*e1);
    auto at_e2 = connect(*e2);
    const std::string label = "hub " + bins[0] + ", leafs " + bins[1] + " and " + bins[2];
    auto on_e2 = subscribe(at_e2.get(), "fan");
    auto on_hub = subscribe(at_hub.get(), "fan");
    auto on_e1 = subscribe(at_e1.get(), "fan");
    wait_for_interest(at_e1.get(), on_e2.get(), "fan");
    wait_for_interest(at_e1.get(), on_hub.get(), "fan");
    wait_for_interest(at_hub.get(), on_e1.get(), "fan");
    wait_for_interest(at_hub.get(), on_e2.get(), "fan");
    drain(on_e1.get(), 300);
    drain(on_e2.get(), 300);
    drain(on_hub.get(), 300);
    for (auto* pub : {at_hub.get(), at_e1.get(), at_e2.get()}) {
      for (int i = 0; i < 30; ++i)
        natsConnection_PublishString(pub, "fan", "m");
      natsConnection_FlushTimeout(pub, 5000);
      EXPECT_EQ(receive(on_hub.get(), 30), 30) << label;
      EXPECT_EQ(receive(on_e1.get(), 30), 30) << label;
      EXPECT_EQ(receive(on_e2.get(), 30), 30) << label;
    }
  }
}

// Two servers that are each other's hub: each hears its own loop detection subject back, the
// connection is closed with nats-server's error, and the soliciting side waits before it
// dials again.
TEST(LeafE2E, ALoopIsDetected) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g}, std::vector<std::string>{g, n},
                           std::vector<std::string>{n, g}}) {
    const int ac = free_port(), al = free_port(), bc = free_port(), bl = free_port();
    auto a = start(bins[0], "la_" + std::to_string(ac),
                   "listen: 127.0.0.1:" + std::to_string(ac) +
                       "\nserver_name: A\nleafnodes { listen: 127.0.0.1:" + std::to_string(al) +
                       ", remotes: [ " + remote(bl) + " ] }\n");
    auto b = start(bins[1], "lb_" + std::to_string(bc),
                   "listen: 127.0.0.1:" + std::to_string(bc) +
                       "\nserver_name: B\nleafnodes { listen: 127.0.0.1:" + std::to_string(bl) +
                       ", remotes: [ " + remote(al) + " ] }\n");
    const std::string loop = "Loop detected for leafnode account=\"$G\"";
    bool seen = false;
    for (int i = 0; i < 200 && !seen; ++i) {
      seen = a->log().find(loop) != std::string::npos || b->log().find(loop) != std::string::npos;
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    EXPECT_TRUE(seen) << bins[0] << " and " << bins[1] << ":\n"
                      << a->log() << "\n---\n"
                      << b->log();
  }
}

// deny_exports keeps the leaf's messages on those subjects from the hub, deny_imports the
// hub's from the leaf; other subjects cross.
TEST(LeafE2E, DenyExportsAndImportsHold) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, g}, std::vector<std::string>{n, g},
                           std::vector<std::string>{g, n}}) {
    const int hc = free_port(), hl = free_port(), lc = free_port();
    auto hub = start(bins[0], "dh_" + std::to_string(hc), hub_config("hub", hc, hl));
    auto leaf = start(bins[1], "dl_" + std::to_string(lc),
                      leaf_config("leaf", lc,
                                  remote(hl,
                                         ", deny_exports: [\"secret.>\"], deny_imports: "
                                         "[\"private.>\"]")));
    auto at_hub = connect(*hub);
    auto at_leaf = connect(*leaf);
    const std::string label = "hub " + bins[0] + ", leaf " + bins[1];
    // What may cross does (and proves the link is up).
    auto open_up = subscribe(at_hub.get(), "open.up");
    auto open_down = subscribe(at_leaf.get(), "open.down");
    EXPECT_EQ(publish_and_receive(at_leaf.get(), open_up.get(), "open.up", 5), 5) << label;
    EXPECT_EQ(publish_and_receive(at_hub.get(), open_down.get(), "open.down", 5), 5) << label;
    auto secret = subscribe(at_hub.get(), "secret.x");
    auto secret_probe = subscribe(at_hub.get(), "open.sync");
    auto priv = subscribe(at_leaf.get(), "private.x");
    auto priv_probe = subscribe(at_leaf.get(), "open.sync2");
    // Interest of both subscriptions had time to cross once these probes do.
    wait_for_interest(at_leaf.get(), secret_probe.get(), "open.sync");
    wait_for_interest(at_hub.get(), priv_probe.get(), "open.sync2");
    for (int i = 0; i < 10; ++i) {
      natsConnection_PublishString(at_leaf.get(), "secret.x", "no");
      natsConnection_PublishString(at_hub.get(), "private.x", "no");
    }
    natsConnection_FlushTimeout(at_leaf.get(), 5000);
    natsConnection_FlushTimeout(at_hub.get(), 5000);
    EXPECT_EQ(drain(secret.get(), 500), 0) << label;
    EXPECT_EQ(drain(priv.get(), 500), 0) << label;
  }
}

// The hub binds a leaf to the account its login names (leafnode users, or the server's own
// users when the leafnodes block has none); the leaf's global account meets that account
// only.
TEST(LeafE2E, ALeafIsBoundToTheAccountOfItsLogin) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  const std::string accounts =
      "accounts { ACME: { users: [ {user: acme, password: pa} ] }, "
      "OTHER: { users: [ {user: other, password: po} ] } }\n";
  for (const auto& bins : {std::vector<std::string>{g, g}, std::vector<std::string>{n, g},
                           std::vector<std::string>{g, n}}) {
    const int hc = free_port(), hl = free_port(), lc = free_port();
    auto hub = start(bins[0], "ah_" + std::to_string(hc), hub_config("hub", hc, hl, accounts));
    auto leaf =
        start(bins[1], "al_" + std::to_string(lc),
              leaf_config("leaf", lc,
                          "{ url: \"nats-leaf://acme:pa@127.0.0.1:" + std::to_string(hl) + "\" }"));
    natsConnection* acme_raw = nullptr;
    natsConnection* other_raw = nullptr;
    ASSERT_EQ(natsConnection_ConnectTo(&acme_raw,
                                       ("nats://acme:pa@127.0.0.1:" + std::to_string(hc)).c_str()),
              NATS_OK);
    ASSERT_EQ(natsConnection_ConnectTo(&other_raw,
                                       ("nats://other:po@127.0.0.1:" + std::to_string(hc)).c_str()),
              NATS_OK);
    conn_ptr acme{acme_raw}, other{other_raw};
    auto at_leaf = connect(*leaf);
    auto in_acme = subscribe(acme.get(), "orders");
    auto in_other = subscribe(other.get(), "orders");
    EXPECT_EQ(publish_and_receive(at_leaf.get(), in_acme.get(), "orders", 10), 10)
        << "hub " << bins[0] << ", leaf " << bins[1];
    EXPECT_EQ(drain(in_other.get(), 300), 0) << "a message crossed into account OTHER";
  }
}

// The NATS documentation's leafnode example: the hub's leafnodes block with its own
// authorization bound to an account, the leaf's remote with the credentials in the URL.
TEST(LeafE2E, TheDocumentationsLeafnodeExampleWorksMixed) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, n}, std::vector<std::string>{n, g},
                           std::vector<std::string>{g, g}}) {
    const int hc = free_port(), hl = free_port(), lc = free_port();
    auto hub = start(bins[0], "doch_" + std::to_string(hc),
                     "port: " + std::to_string(hc) +
                         "\naccounts { TEST: { users: [ {user: test, password: tp} ] } }\n"
                         "leafnodes {\n  port: " +
                         std::to_string(hl) +
                         "\n  authorization {\n    user: leaf\n    password: secret\n"
                         "    account: TEST\n  }\n}\n");
    auto leaf = start(bins[1], "docl_" + std::to_string(lc),
                      "port: " + std::to_string(lc) +
                          "\nleafnodes {\n  remotes = [\n    {\n      url: "
                          "\"nats-leaf://leaf:secret@localhost:" +
                          std::to_string(hl) + "\"\n    }\n  ]\n}\n");
    natsConnection* test_raw = nullptr;
    ASSERT_EQ(natsConnection_ConnectTo(&test_raw,
                                       ("nats://test:tp@127.0.0.1:" + std::to_string(hc)).c_str()),
              NATS_OK);
    conn_ptr in_test{test_raw};
    natsConnection* leaf_raw = nullptr;
    ASSERT_EQ(
        natsConnection_ConnectTo(&leaf_raw, ("nats://127.0.0.1:" + std::to_string(lc)).c_str()),
        NATS_OK);
    conn_ptr at_leaf{leaf_raw};
    auto sub = subscribe(in_test.get(), "greet");
    EXPECT_EQ(publish_and_receive(at_leaf.get(), sub.get(), "greet", 10), 10)
        << "hub " << bins[0] << ", leaf " << bins[1];
    auto down = subscribe(at_leaf.get(), "reply");
    EXPECT_EQ(publish_and_receive(in_test.get(), down.get(), "reply", 10), 10);
    // The leaf's password reaches no log.
    EXPECT_EQ(hub->log().find("secret"), std::string::npos) << hub->log();
    EXPECT_EQ(leaf->log().find("secret"), std::string::npos) << leaf->log();
  }
}

// A leaf whose login the hub refuses never exchanges anything with it.
TEST(LeafE2E, AWrongPasswordIsRefused) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& bins : {std::vector<std::string>{g, n}, std::vector<std::string>{n, g},
                           std::vector<std::string>{g, g}}) {
    const int hc = free_port(), hl = free_port(), lc = free_port();
    auto hub = start(bins[0], "wh_" + std::to_string(hc),
                     hub_config("hub", hc, hl, "", ", authorization { user: u, password: p }"));
    auto leaf =
        start(bins[1], "wl_" + std::to_string(lc),
              leaf_config("leaf", lc,
                          "{ url: \"nats-leaf://u:bad@127.0.0.1:" + std::to_string(hl) + "\" }"));
    EXPECT_TRUE(hub->wait_for_log("authentication error", std::chrono::seconds{10}))
        << bins[0] << ":\n"
        << hub->log();
    auto at_hub = connect(*hub);
    auto at_leaf = connect(*leaf);
    auto sub = subscribe(at_leaf.get(), "never");
    natsConnection_FlushTimeout(at_leaf.get(), 5000);
    for (int i = 0; i < 10; ++i)
      natsConnection_PublishString(at_hub.get(), "never", "m");
    natsConnection_FlushTimeout(at_hub.get(), 5000);
    EXPECT_EQ(drain(sub.get(), 500), 0);
  }
}

// /leafz and /varz show a hub's leafnode as nats-server does (the same keys), and the leaf's
// interest under ?subs=1; the remote's URL is shown without its password.
TEST(LeafE2E, MonitoringShowsTheLeafnodeAsNatsServerDoes) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  std::map<std::string, nlohmann::json> leafz, varz_leaf, remote_leafz;
  for (const auto& bin : {g, n}) {
    const int hc = free_port(), hl = free_port(), hm = free_port(), lc = free_port(),
              lm = free_port();
    auto hub = start(bin, "mh_" + std::to_string(hc),
                     hub_config("hub", hc, hl, "http: 127.0.0.1:" + std::to_string(hm) + "\n"));
    auto leaf =
        start(bin, "ml_" + std::to_string(lc),
              leaf_config("leaf", lc,
                          "{ url: \"nats-leaf://u:secret@127.0.0.1:" + std::to_string(hl) + "\" }",
                          "http: 127.0.0.1:" + std::to_string(lm) + "\n"));
    auto at_leaf = connect(*leaf);
    auto at_hub = connect(*hub);
    auto sub = subscribe(at_leaf.get(), "watched.subject");
    EXPECT_EQ(publish_and_receive(at_hub.get(), sub.get(), "watched.subject", 1), 1) << bin;
    leafz[bin] = nlohmann::json::parse(http_get(hm, "/leafz?subs=1"));
    varz_leaf[bin] = nlohmann::json::parse(http_get(hm, "/varz"));
    remote_leafz[bin] = nlohmann::json::parse(http_get(lm, "/varz"));
    EXPECT_EQ(http_get(lm, "/varz").find("secret"), std::string::npos) << bin;
  }
  const auto& ours = leafz[g];
  EXPECT_EQ(ours["leafnodes"], 1);
  ASSERT_EQ(ours["leafs"].size(), 1u);
  EXPECT_EQ(ours["leafs"][0]["account"], "$G");
  const auto& list = ours["leafs"][0]["subscriptions_list"];
  EXPECT_NE(std::find(list.begin(), list.end(), "watched.subject"), list.end()) << ours.dump();
  EXPECT_EQ(shape(ours["leafs"][0]), shape(leafz[n]["leafs"][0]));
  EXPECT_EQ(varz_leaf[g]["leafnodes"], 1);
  EXPECT_EQ(shape(varz_leaf[g]["leaf"]), shape(varz_leaf[n]["leaf"]));
  EXPECT_EQ(shape(remote_leafz[g]["leaf"]), shape(remote_leafz[n]["leaf"]));
  const std::string url = remote_leafz[g]["leaf"]["remotes"][0]["urls"][0];
  EXPECT_EQ(url.rfind("127.0.0.1:", 0), 0u) << url;  // host:port, as nats-server shows it
}

// The same bytes on the leafnode port of each server give the same replies.
std::string leaf_port_reply(const std::string& binary, const std::string& bytes,
                            const std::string& extra = "") {
  const int client = free_port(), leaf = free_port();
  server_process s{binary,
                   {"-c", write_config("lp_" + std::to_string(client) + ".conf",
                                       "listen: 127.0.0.1:" + std::to_string(client) +
                                           "\nleafnodes { listen: 127.0.0.1:" +
                                           std::to_string(leaf) + extra + " }\n")}};
  raw_client c{leaf};
  c.read_until("\r\n");  // the INFO
  c.send(bytes);
  c.wait_closed(std::chrono::seconds{5});
  std::string got = c.received();
  return got.substr(got.find("\r\n") + 2);
}

TEST(LeafE2E, TheLeafnodePortTreatsItsPeerAsHostileUntilConnect) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const std::string bytes :
       {"PING\r\n", "LMSG foo 2\r\nhi\r\n", "LS+ foo\r\n", "garbage\r\n",
        "CONNECT {\"lang\":\"C\"}\r\n", "CONNECT {\"gateway\":\"X\"}\r\n", "CONNECT {bad json\r\n"})
    EXPECT_EQ(leaf_port_reply(g, bytes), leaf_port_reply(n, bytes)) << bytes;
  const std::string auth = ", authorization: { user: lu, password: secret }";
  for (const std::string bytes :
       {"CONNECT {\"user\":\"lu\",\"pass\":\"wrong\"}\r\n", "CONNECT {}\r\n"})
    EXPECT_EQ(leaf_port_reply(g, bytes, auth), leaf_port_reply(n, bytes, auth)) << bytes;
}

}  // namespace
}  // namespace gnatsd::testing
