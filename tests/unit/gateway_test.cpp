// Unit tests of the gateway parts that need no sockets: the config block and its errors
// (nats-server's texts), INFO/CONNECT JSON, the "_GR_." reply hashes, the cluster interest
// other clusters hear, the dial and redial decisions, the connection's handshake and
// hostile input, and the router's gateway rules.
#include <gtest/gtest.h>

#include "../support/config_text.hpp"
#include "cluster/gateway_registry.hpp"
#include "config/gateway_config.hpp"
#include "config/options.hpp"
#include "connection/gateway_connection.hpp"
#include "proto/gateway_info.hpp"
#include "routing/gateway_interest.hpp"
#include "routing/gateway_replies.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {
namespace {

using testing::config_error_of;
using testing::load_config_text;
using testing::null_log;

TEST(GatewayConfig, ReadsEveryKeyNatsServerReads) {
  const auto o = load_config_text(R"(gateway {
    name: A, listen: "127.0.0.1:7222", advertise: "gw.example:7222", connect_retries: 3
    reject_unknown_cluster: true
    authorization { user: gw, password: pw, timeout: 3 }
    gateways: [ {name: B, url: "nats://h1:7222"}, {name: C, urls: ["nats://h2:1", "nats://h3:2"]} ]
  })");
  EXPECT_EQ(o.gateway.name, "A");
  EXPECT_EQ(o.gateway.host, "127.0.0.1");
  EXPECT_EQ(o.gateway.port, 7222);
  EXPECT_EQ(o.gateway.advertise, "gw.example:7222");
  EXPECT_EQ(o.gateway.connect_retries, 3);
  EXPECT_TRUE(o.gateway.reject_unknown);
  EXPECT_EQ(o.gateway.authorization.user, "gw");
  EXPECT_EQ(o.gateway.authorization.timeout, std::chrono::seconds{3});
  ASSERT_EQ(o.gateway.gateways.size(), 2u);
  EXPECT_EQ(o.gateway.gateways[1].urls, (std::vector<std::string>{"nats://h2:1", "nats://h3:2"}));
  EXPECT_TRUE(o.gateway.enabled());
}

TEST(GatewayConfig, ErrorsAreNatsServers) {
  // Each text checked against nats-server 2.9.10 (`-t` for the reading errors, a start for
  // the checks it makes at startup); columns are 1-based here.
  EXPECT_EQ(config_error_of("gateway: 5"),
            "test.conf:1:1: Expected gateway to be a map, got int64");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, foo: 1 }"),
            "test.conf:1:32: unknown field \"foo\"");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, gateways: \"x\" }"),
            "test.conf:1:32: Expected gateways field to be an array, got string");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, gateways: [ \"x\" ] }"),
            "test.conf:1:44: Expected gateway entry to be a map/struct, got x");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, authorization: { token: x } }"),
            "test.conf:1:32: Gateway authorization does not support tokens");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, authorization: { users: [{user: a, "
                            "password: b}] } }"),
            "test.conf:1:32: Gateway authorization does not allow multiple users");
  EXPECT_EQ(config_error_of("gateway { port: 7222 }"), "gateway has no name");
  EXPECT_EQ(config_error_of("gateway { name: A }"),
            "gateway \"A\" has no port specified (select -1 for random port)");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, gateways: [ {url: \"nats://h:1\"} ] }"),
            "gateway in the list 0 has no name");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222, gateways: [ {name: B} ] }"),
            "gateway \"B\" has no URL");
  EXPECT_EQ(config_error_of("cluster { name: C, port: 6222 }\ngateway { name: A, port: 7222 }"),
            "cluster name conflicts between cluster and gateway definitions");
  EXPECT_EQ(config_error_of("cluster { name: A, port: 6222 }\ngateway { name: A, port: 7222 }"),
            "");
}

TEST(GatewayInfo, CommandsCarryTheAccountInBase64AsNatsServerSendsThem) {
  proto::gateway_info i;
  i.gateway = "A";
  i.command = proto::gateway_command::all_subs_start;
  i.command_payload = "$G";
  // Byte for byte what nats-server 2.9.10 sent on its gateway port.
  EXPECT_EQ(proto::encode_gateway_command(i),
            "INFO {\"server_id\":\"\",\"server_name\":\"\",\"version\":\"\",\"proto\":0,\"go\":"
            "\"\",\"host\":\"\",\"port\":0,\"headers\":false,\"max_payload\":0,\"gateway\":\"A\","
            "\"gateway_cmd\":2,\"gateway_cmd_payload\":\"JEc=\"}\r\n");
  proto::gateway_info back;
  ASSERT_TRUE(proto::parse_gateway_info(
      R"({"gateway":"B","gateway_cmd":3,"gateway_cmd_payload":"JFNZUw=="})", back));
  EXPECT_EQ(back.command, proto::gateway_command::all_subs_complete);
  EXPECT_EQ(back.command_payload, "$SYS");
  EXPECT_FALSE(proto::parse_gateway_info(R"({"gateway_cmd_payload":"not base64!"})", back));
  EXPECT_FALSE(proto::parse_gateway_info("[1]", back));
}

TEST(GatewayReplies, HashesAreNatsServers) {
  // nats-server 2.9.10 sent "_GR_.NUmM6c." for cluster A and "_GR_.b2oh2L." for B.
  EXPECT_EQ(gateway_reply::hash("A"), "NUmM6c");
  EXPECT_EQ(gateway_reply::hash("B"), "b2oh2L");
  const std::string routed = "_GR_.NUmM6c.gL8pKl._INBOX.r";
  EXPECT_TRUE(gateway_reply::is_routed(routed));
  EXPECT_EQ(gateway_reply::cluster_hash(routed), "NUmM6c");
  EXPECT_EQ(gateway_reply::server_hash(routed), "gL8pKl");
  EXPECT_EQ(gateway_reply::original(routed), "_INBOX.r");
  EXPECT_FALSE(gateway_reply::is_routed("_GR_.NUmM6c.gL8pKl."));  // no subject
  EXPECT_FALSE(gateway_reply::is_routed("_INBOX.abc.def.ghi.jkl"));
}

TEST(GatewayReplies, RecentSubscriptionsAndRoutedRepliesExpire) {
  recent_subscriptions recent;
  const account* acc = reinterpret_cast<const account*>(0x1);
  const int64_t second = 1'000'000'000;
  recent.add(acc, "_INBOX.a.*", 0);
  EXPECT_TRUE(recent.matches(acc, "_INBOX.a.1", second));
  EXPECT_FALSE(recent.matches(reinterpret_cast<const account*>(0x2), "_INBOX.a.1", second));
  EXPECT_FALSE(recent.matches(acc, "_INBOX.a.1", 3 * second));  // two seconds passed
  routed_replies replies;
  EXPECT_FALSE(replies.any());
  replies.record("_GR_.NUmM6c.gL8pKl._INBOX.r", 0);
  EXPECT_EQ(replies.routed_form("_INBOX.r", second), "_GR_.NUmM6c.gL8pKl._INBOX.r");
  EXPECT_EQ(replies.routed_form("_INBOX.r", 3 * second), "");
  for (int i = 0; i < 5000; ++i)
    replies.record("_GR_.NUmM6c.gL8pKl.r." + std::to_string(i), 0);  // bounded
  EXPECT_EQ(replies.routed_form("r.4999", second), "_GR_.NUmM6c.gL8pKl.r.4999");
}

TEST(GatewayInterest, ClusterInterestIsAnnouncedOnFirstAndLast) {
  gateway_interest g;
  EXPECT_EQ(g.apply({{"$G", "foo", "", +1}}), "RS+ $G foo\r\n");
  EXPECT_EQ(g.apply({{"$G", "foo", "", +1}}), "");  // a second server's subscription
  EXPECT_EQ(g.apply({{"$G", "foo", "", -1}}), "");
  EXPECT_EQ(g.apply({{"$G", "foo", "", -1}}), "RS- $G foo\r\n");
  // Queue interest always with weight 1, as nats-server sends it over gateways.
  EXPECT_EQ(g.apply({{"$G", "q", "g", +1}, {"$G", "q", "g", +1}}), "RS+ $G q g 1\r\n");
  EXPECT_EQ(g.apply({{"$G", "q", "g", -2}}), "RS- $G q g\r\n");
  EXPECT_EQ(g.apply({{"$G", "never", "", -1}}), "");  // a removal of nothing
}

TEST(GatewayInterest, ANewGatewayHearsQueuesThenEachAccountInInterestOnlyMode) {
  gateway_interest g;
  g.apply({{"A", "a.plain", "", +1}, {"B", "b.q", "grp", +1}, {"B", "b.plain", "", +1}});
  const std::string s = g.snapshot({"A", "B"}, "X");
  const auto queue = s.find("RS+ B b.q grp 1\r\n");
  const auto start_a = s.find("\"gateway_cmd\":2,\"gateway_cmd_payload\":\"QQ==\"");
  const auto plain_a = s.find("RS+ A a.plain\r\n");
  const auto done_a = s.find("\"gateway_cmd\":3,\"gateway_cmd_payload\":\"QQ==\"");
  const auto plain_b = s.find("RS+ B b.plain\r\n");
  ASSERT_NE(queue, std::string::npos) << s;
  EXPECT_LT(queue, start_a);
  EXPECT_LT(start_a, plain_a);
  EXPECT_LT(plain_a, done_a);
  EXPECT_LT(done_a, plain_b);
  EXPECT_EQ(s.find("RS+ B b.q grp 1", queue + 1), std::string::npos) << "queues once";
}

struct registry_fixture {
  null_log log;
  gateway_options options() {
    gateway_options o;
    o.name = "A";
    o.port = 7222;
    o.gateways = {{"B", {"nats://u:p@h1:1", "nats://h2:2"}, {}}, {"A", {"nats://self:1"}, {}}};
    return o;
  }
};

TEST(GatewayRegistry, DialsEachUrlThenWaitsASecondBeforeTheNextRound) {
  registry_fixture f;
  cluster::gateway_registry r{f.options(), "h0:7222", f.log, prng{1}};
  const auto dials = r.solicit_configured();
  ASSERT_EQ(dials.size(), 1u);                 // our own cluster's entry is not dialled
  EXPECT_EQ(dials[0].url, "nats://u:p@h1:1");  // credentials kept for the CONNECT
  const auto second = r.dial_ended(dials[0], "connection refused");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->url, "nats://h2:2");
  EXPECT_EQ(second->delay, duration::zero());
  const auto round = r.dial_ended(*second, "connection refused");
  ASSERT_TRUE(round);
  EXPECT_EQ(round->attempt, 2);
  EXPECT_EQ(round->delay, std::chrono::seconds{1});
}

TEST(GatewayRegistry, ImplicitClustersAreLearnedOnceAndGivenUp) {
  registry_fixture f;
  cluster::gateway_registry r{f.options(), "h0:7222", f.log, prng{1}};
  const auto d = r.learned("C", {"h9:9"});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->implicit);
  EXPECT_EQ(d->url, "nats://h9:9");
  EXPECT_FALSE(r.learned("C", {"h9:10"}));  // known: only its URLs grow
  EXPECT_FALSE(r.learned("A", {"x:1"}));    // ourselves
  // connect_retries 0: one round, then the cluster is forgotten.
  EXPECT_FALSE(r.dial_ended({"C", "nats://h9:10", true, 1, 1, {}}, "refused"));
  EXPECT_EQ(r.remotes().count("C"), 0u);
  EXPECT_TRUE(r.learned("C", {"h9:9"}));  // and may be learned again
}

TEST(GatewayRegistry, OneOutboundPerClusterAndRedialsAfterALoss) {
  registry_fixture f;
  cluster::gateway_registry r{f.options(), "h0:7222", f.log, prng{1}};
  EXPECT_TRUE(r.register_outbound("B", 5));
  EXPECT_FALSE(r.register_outbound("B", 6));   // a second connection to B
  EXPECT_FALSE(r.closed(6, true, "B", true));  // refused: no redial
  const auto again = r.closed(5, true, "B", false);
  ASSERT_TRUE(again);
  EXPECT_GE(again->delay, std::chrono::seconds{1});  // configured: a second and some jitter
  EXPECT_LT(again->delay, std::chrono::milliseconds{1100});
  r.register_inbound(7, "C");
  r.learned("C", {"h9:9"});
  const auto gossip = r.gossip_for("C", "NID");
  ASSERT_EQ(gossip.size(), 1u);  // B only: C is the asker
  EXPECT_NE(gossip[0].find("\"gateway\":\"B\""), std::string::npos);
  EXPECT_NE(gossip[0].find("\"gateway_cmd\":1"), std::string::npos);
}

// -- the connection --------------------------------------------------------------------------

class recording_subscriber final : public subscriber {
 public:
  explicit recording_subscriber(subscriber_kind kind) : subscriber(9, kind) {}
  void deliver(delivery_batch batch) override {
    received.append(batch.bytes.begin(), batch.bytes.end());
  }
  void subscription_expired(uint64_t) override {}
  std::string received;
};

struct connection_fixture {
  connection_fixture() {
    ctx = std::make_shared<server_context>();
    ctx->log = std::make_shared<null_log>();
    ctx->server_id = "NSELF";
    ctx->gateway_name = "A";
    ctx->gateway_cluster_hash = gateway_reply::hash("A");
  }
  std::unique_ptr<gateway_connection> make(bool outbound) {
    gateway_role role;
    role.outbound = outbound;
    role.name = outbound ? "B" : "";
    role.url = "nats://h:1";
    self = std::make_shared<recording_subscriber>(subscriber_kind::gateway);
    auto c = std::make_unique<gateway_connection>(ctx, 9, "h", 1, role, self, prng{3});
    proto::gateway_info local;
    local.server_id = "NSELF";
    local.gateway = "A";
    c->start(local);
    return c;
  }
  static std::string output(gateway_connection& c) {
    std::string out;
    for (const auto& chunk : c.take_output({}))
      out.append(chunk.begin(), chunk.end());
    return out;
  }
  void feed(gateway_connection& c, const std::string& bytes) {
    c.receive(bytes.data(), bytes.size());
  }
  server_context_ptr ctx;
  std::shared_ptr<recording_subscriber> self;
};

TEST(GatewayConnection, OutboundAnswersTheRightClustersInfoWithConnectAndInfo) {
  connection_fixture f;
  auto c = f.make(true);
  EXPECT_EQ(connection_fixture::output(*c), "");  // nothing before the peer's INFO
  f.feed(*c, "INFO {\"server_id\":\"NPEER\",\"gateway\":\"B\",\"headers\":true}\r\n");
  const std::string out = connection_fixture::output(*c);
  EXPECT_EQ(out.rfind("CONNECT {", 0), 0u) << out;
  EXPECT_NE(out.find("\"gateway\":\"A\""), std::string::npos);
  EXPECT_NE(out.find("\r\nINFO {"), std::string::npos);
  ASSERT_TRUE(c->take_registration());
  EXPECT_FALSE(c->closing());
}

TEST(GatewayConnection, OutboundRefusesAClusterItDidNotDial) {
  connection_fixture f;
  auto c = f.make(true);
  f.feed(*c, "INFO {\"server_id\":\"NPEER\",\"gateway\":\"C\"}\r\n");
  EXPECT_EQ(connection_fixture::output(*c),
            "-ERR 'Connection from \"A\" rejected, wanted to connect to \"B\", this is \"C\"'\r\n");
  EXPECT_TRUE(c->closing());
  auto d = f.make(true);
  f.feed(*d, "INFO {\"server_id\":\"NPEER\"}\r\n");  // a client or route port
  EXPECT_EQ(connection_fixture::output(*d),
            "-ERR 'Attempt to connect to gateway \"B\" using wrong port'\r\n");
}

TEST(GatewayConnection, InboundTakesNothingBeforeConnectAndNoInterestAfter) {
  connection_fixture f;
  auto c = f.make(false);
  EXPECT_EQ(connection_fixture::output(*c).rfind("INFO {", 0), 0u);
  f.feed(*c, "RS+ $G foo\r\n");
  EXPECT_EQ(connection_fixture::output(*c), "-ERR 'Authorization Violation'\r\n");
  EXPECT_TRUE(c->closing());
  auto d = f.make(false);
  connection_fixture::output(*d);
  f.feed(*d, "CONNECT {\"gateway\":\"B\"}\r\nINFO {\"server_id\":\"NPEER\",\"gateway\":\"B\"}\r\n");
  EXPECT_TRUE(d->take_registration());
  f.feed(*d, "RS+ $G foo\r\n");  // interest only ever flows the other way
  EXPECT_TRUE(d->closing());
  EXPECT_EQ(d->close_reason(), "Protocol Violation");
}

TEST(GatewayConnection, InboundSaysOnceThatAnAccountIsUnknown) {
  connection_fixture f;
  auto c = f.make(false);
  connection_fixture::output(*c);
  f.feed(*c, "CONNECT {\"gateway\":\"B\"}\r\nINFO {\"server_id\":\"NPEER\",\"gateway\":\"B\"}\r\n");
  f.feed(*c, "RMSG NOPE foo 1\r\nx\r\nRMSG NOPE bar 1\r\nx\r\n");
  EXPECT_EQ(connection_fixture::output(*c), "A- NOPE\r\n");
  EXPECT_FALSE(c->closing());
}

TEST(GatewayConnection, OutboundKeepsTheRemoteInterestInTheAccountsSublist) {
  connection_fixture f;
  auto c = f.make(true);
  f.feed(*c, "INFO {\"server_id\":\"NPEER\",\"gateway\":\"B\",\"gateway_iom\":true}\r\n");
  f.feed(*c, "RS+ $G foo\r\nRS+ $G q.* grp 1\r\nRS+ $G foo\r\n");
  EXPECT_EQ(c->remote_subscriptions(), 2u);
  auto& sl = f.ctx->accounts.global()->subscriptions();
  EXPECT_EQ(sl.match("foo")->plain.size(), 1u);
  EXPECT_EQ(sl.match("q.x")->queues.size(), 1u);
  f.feed(*c, "RS- $G foo\r\n");
  EXPECT_TRUE(sl.match("foo")->plain.empty());
  c->cleanup();
  EXPECT_TRUE(sl.match("q.x")->queues.empty());
}

// -- the router's gateway rules ---------------------------------------------------------------

struct router_fixture {
  router_fixture() {
    ctx = std::make_shared<server_context>();
    ctx->log = std::make_shared<null_log>();
    ctx->gateway_name = "A";
    ctx->gateway_cluster_hash = gateway_reply::hash("A");
    ctx->gateway_reply_prefix = gateway_reply::prefix_for("A", "NSELF");
  }
  std::shared_ptr<recording_subscriber> owner(subscriber_kind k) {
    return std::make_shared<recording_subscriber>(k);
  }
  void sub(const std::shared_ptr<recording_subscriber>& o, std::string subject,
           std::string queue = {}) {
    auto s = std::make_shared<subscription>();
    s->subject = std::move(subject);
    s->queue = std::move(queue);
    s->sid = std::to_string(++next);
    s->owner = o;
    s->id = next;
    ctx->accounts.global()->subscriptions().insert(s);
  }
  void publish(std::string_view subject, std::string_view reply, bool from_gateway,
               const std::vector<std::string_view>* queues = nullptr) {
    message_router r{*ctx, rng};
    message_origin o;
    o.acc = ctx->accounts.global().get();
    o.from_gateway = from_gateway;
    o.queues = queues;
    std::vector<char> self_out;
    o.self_out = &self_out;
    r.route({subject, reply, false, 0, "x"}, o);
    r.flush();
  }
  server_context_ptr ctx;
  prng rng{7};
  uint64_t next = 0;
};

TEST(GatewayRouting, AClientsMessageCrossesEachGatewayOnceAndNeverComesBack) {
  router_fixture f;
  auto gw_b = f.owner(subscriber_kind::gateway), gw_c = f.owner(subscriber_kind::gateway);
  auto route = f.owner(subscriber_kind::route), client = f.owner(subscriber_kind::client);
  f.sub(gw_b, "foo");
  f.sub(gw_b, "*");  // two matching interests of one cluster: still one RMSG
  f.sub(gw_c, "foo");
  f.sub(route, "foo");
  f.sub(client, "foo");
  f.publish("foo", "", false);
  EXPECT_EQ(gw_b->received, "RMSG $G foo 1\r\nx\r\n");
  EXPECT_EQ(gw_c->received, "RMSG $G foo 1\r\nx\r\n");
  EXPECT_EQ(route->received, "RMSG $G foo 1\r\nx\r\n");
  gw_b->received.clear();
  gw_c->received.clear();
  route->received.clear();
  client->received.clear();
  // From another cluster: this cluster's subscriptions and routes, never a gateway.
  f.publish("foo", "", true);
  EXPECT_EQ(gw_b->received, "");
  EXPECT_EQ(gw_c->received, "");
  EXPECT_EQ(route->received, "RMSG $G foo 1\r\nx\r\n");
  EXPECT_NE(client->received.find("MSG foo"), std::string::npos);
}

TEST(GatewayRouting, AQueueGroupGoesToAnotherClusterOnlyWithoutAMemberHere) {
  router_fixture f;
  auto gw_b = f.owner(subscriber_kind::gateway), gw_c = f.owner(subscriber_kind::gateway);
  f.sub(gw_b, "work", "q");
  f.sub(gw_c, "work", "q");
  f.publish("work", "", false);
  // Exactly one remote cluster gets it, with the group named.
  EXPECT_EQ((gw_b->received + gw_c->received), "RMSG $G work | q 1\r\nx\r\n");
  gw_b->received.clear();
  gw_c->received.clear();
  auto member = f.owner(subscriber_kind::client);
  f.sub(member, "work", "q");
  for (int i = 0; i < 20; ++i)
    f.publish("work", "", false);
  EXPECT_EQ(gw_b->received + gw_c->received, "");
  // From a gateway, a group the sender did not name is not served.
  member->received.clear();
  const std::vector<std::string_view> none;
  f.publish("work", "", true, &none);
  EXPECT_EQ(member->received, "");
}

TEST(GatewayRouting, RequestsLeaveWithARoutedReplyWhileTheInboxIsNew) {
  router_fixture f;
  auto gw = f.owner(subscriber_kind::gateway);
  f.sub(gw, "svc");
  f.ctx->recent_subs.add(f.ctx->accounts.global().get(), "_INBOX.new", 0);
  f.publish("svc", "_INBOX.new", false);
  f.publish("svc", "_INBOX.old", false);
  const std::string prefix = f.ctx->gateway_reply_prefix;
  EXPECT_EQ(gw->received,
            "RMSG $G svc " + prefix + "_INBOX.new 1\r\nx\r\nRMSG $G svc _INBOX.old 1\r\nx\r\n");
  // A client is handed the plain reply and answers on it; its answer goes straight back.
  auto client = f.owner(subscriber_kind::client);
  f.sub(client, "req");
  f.publish("req", "_GR_.b2oh2L.abcdef._INBOX.x", true);
  EXPECT_NE(client->received.find("MSG req 2 _INBOX.x 1"), std::string::npos) << client->received;
  EXPECT_EQ(client->gateway_replies.routed_form("_INBOX.x", 0), "_GR_.b2oh2L.abcdef._INBOX.x");
  f.ctx->set_outbound_gateways({{"B", gateway_reply::hash("B"), gw, nullptr, nullptr}});
  gw->received.clear();
  f.publish("_GR_.b2oh2L.abcdef._INBOX.x", "", false);
  EXPECT_EQ(gw->received, "RMSG $G _GR_.b2oh2L.abcdef._INBOX.x 1\r\nx\r\n");
}

TEST(OptimisticInterest, SendsOnTrustUntilToldOtherwise) {
  optimistic_interest o;
  EXPECT_TRUE(o.wants("$G", "foo"));
  o.no_interest("$G", "foo");
  o.no_interest("$G", "foo.bar");
  EXPECT_FALSE(o.wants("$G", "foo"));
  EXPECT_TRUE(o.wants("$G", "baz"));
  o.interest("$G", "foo.*");  // a wildcard takes back the marks it covers
  EXPECT_TRUE(o.wants("$G", "foo.bar"));
  EXPECT_FALSE(o.wants("$G", "foo"));
  o.account_interest("$G", false);  // A-
  EXPECT_FALSE(o.wants("$G", "baz"));
  o.account_interest("$G", true);  // A+
  EXPECT_TRUE(o.wants("$G", "baz"));
  o.switching("$G");  // marks still count while the peer sends its subscriptions
  EXPECT_FALSE(o.marks("$G"));
  EXPECT_FALSE(o.wants("$G", "foo"));
  EXPECT_EQ(o.mode("$G"), "Transitioning");
  o.switched("$G");  // from now on announced interest only
  EXPECT_FALSE(o.wants("$G", "baz"));
  EXPECT_EQ(o.mode("$G"), "Interest-Only");
  EXPECT_EQ(o.mode("A"), "Optimistic");
}

TEST(GatewayConnection, APeerWithoutInterestOnlyModeIsSentToOnTrust) {
  connection_fixture f;
  auto c = f.make(true);
  f.feed(*c, "INFO {\"server_id\":\"NOLD\",\"gateway\":\"B\"}\r\n");  // no gateway_iom
  const auto link = c->link();
  ASSERT_TRUE(link.optimistic);
  ASSERT_TRUE(link.sentinel);
  f.feed(*c, "RS- $G foo\r\nRS+ $G q grp 1\r\n");
  EXPECT_FALSE(link.optimistic->wants("$G", "foo"));
  EXPECT_TRUE(link.optimistic->wants("$G", "bar"));
  EXPECT_EQ(c->remote_subscriptions(), 1u);  // queue interest is always kept as such
  f.feed(*c, "RS+ $G foo\r\n");
  EXPECT_TRUE(link.optimistic->wants("$G", "foo"));
  EXPECT_EQ(c->remote_subscriptions(), 1u);
  auto d = f.make(true);
  f.feed(*d, "INFO {\"server_id\":\"NNEW\",\"gateway\":\"B\",\"gateway_iom\":true}\r\n");
  EXPECT_FALSE(d->link().optimistic);
}

TEST(GatewayRouting, AnOptimisticPeerGetsWhatItDidNotRefuse) {
  router_fixture f;
  auto gw = f.owner(subscriber_kind::gateway);
  auto trust = std::make_shared<optimistic_interest>();
  auto sentinel = std::make_shared<subscription>();
  sentinel->owner = gw;
  f.ctx->set_outbound_gateways({{"B", gateway_reply::hash("B"), gw, trust, sentinel}});
  f.ctx->optimistic_gateways = true;
  f.publish("nobody.here", "", false);
  EXPECT_EQ(gw->received, "RMSG $G nobody.here 1\r\nx\r\n");
  trust->no_interest("$G", "nobody.here");
  gw->received.clear();
  f.publish("nobody.here", "", false);
  f.publish("nobody.here", "", true);  // nor ever a message from another cluster
  EXPECT_EQ(gw->received, "");
}

}  // namespace
}  // namespace gnatsd
