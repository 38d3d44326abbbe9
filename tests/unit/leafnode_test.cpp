// Unit tests of the leafnode parts that need no sockets: the config block and its errors
// (nats-server's texts), INFO/CONNECT JSON, the leafnode parser, what each leafnode is told
// of the interest around it (hub and spoke rules, no echo, loop detection), what routes are
// told of leafnode interest (LS+ with the origin cluster), the remotes' redial order,
// credentials, the connection's handshake on both sides, and the router's leafnode rules.
#include <gtest/gtest.h>

#include "../support/config_text.hpp"
#include "auth/credentials.hpp"
#include "auth/nkey.hpp"
#include "cluster/leaf_remotes.hpp"
#include "config/leafnode_config.hpp"
#include "config/options.hpp"
#include "connection/leaf_connection.hpp"
#include "proto/leaf_info.hpp"
#include "proto/leaf_parser.hpp"
#include "proto/route_encoder.hpp"
#include "routing/interest_table.hpp"
#include "routing/leaf_interest.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {
namespace {

using testing::config_error_of;
using testing::load_config_text;
using testing::null_log;

TEST(LeafConfig, ReadsEveryKeyNatsServerReads) {
  const auto o = load_config_text(R"(leafnodes {
    listen: "127.0.0.1:7422", advertise: "edge.example:7422", no_advertise: true
    reconnect: 3, min_version: "2.8.0"
    authorization { user: leaf, password: secret, account: ACME, timeout: 4 }
    remotes: [
      { url: "nats-leaf://u:p@hub1:7422", account: ACME, hub: true, no_randomize: true,
        deny_exports: ["secret.>"], deny_imports: "private.>" },
      { urls: ["nats-leaf://hub2:7422", "nats-leaf://hub3:7422"], credentials: "/x.creds" }
    ]
  }
  accounts { ACME: {} })");
  const auto& l = o.leafnodes;
  EXPECT_EQ(l.host, "127.0.0.1");
  EXPECT_EQ(l.port, 7422);
  EXPECT_EQ(l.advertise, "edge.example:7422");
  EXPECT_TRUE(l.no_advertise);
  EXPECT_EQ(l.reconnect, std::chrono::seconds{3});
  EXPECT_EQ(l.user, "leaf");
  EXPECT_EQ(l.account, "ACME");
  EXPECT_EQ(l.auth_timeout, std::chrono::seconds{4});
  ASSERT_EQ(l.remotes.size(), 2u);
  EXPECT_EQ(l.remotes[0].urls, std::vector<std::string>{"nats-leaf://u:p@hub1:7422"});
  EXPECT_TRUE(l.remotes[0].hub);
  EXPECT_TRUE(l.remotes[0].no_randomize);
  EXPECT_EQ(l.remotes[0].deny_exports, std::vector<std::string>{"secret.>"});
  EXPECT_EQ(l.remotes[0].deny_imports, std::vector<std::string>{"private.>"});
  EXPECT_EQ(l.remotes[1].urls.size(), 2u);
  EXPECT_EQ(l.remotes[1].credentials, "/x.creds");
  EXPECT_EQ(validate(o), "");
}

TEST(LeafConfig, ErrorsAreNatsServers) {
  // Each text checked against nats-server 2.9.10 (`-t` for the reading errors, a start for
  // the checks it makes at startup); columns are 1-based here.
  EXPECT_EQ(config_error_of("leafnodes = 5"),
            "test.conf:1:1: Expected map to define a leafnode, got int64");
  EXPECT_EQ(config_error_of("leafnodes { remotes: 5 }"),
            "test.conf:1:13: Expected remotes field to be an array, got int64");
  EXPECT_EQ(config_error_of("leafnodes { remotes: [ \"x\" ] }"),
            "test.conf:1:24: Expected remote leafnode entry to be a map/struct, got x");
  EXPECT_EQ(config_error_of("leafnodes { remotes: [ { url: 5 } ] }"),
            "test.conf:1:26: Expected remote leafnode url to be an array or string, got 5");
  EXPECT_EQ(config_error_of("leafnodes { remotes: [ { url: \"nats-leaf://h:1\", bad: 1 } ] }"),
            "test.conf:1:50: unknown field \"bad\"");
  EXPECT_EQ(
      config_error_of("leafnodes { port: 7422, authorization { user: a, password: b, users: [ "
                      "{user: c, password: d} ] } }"),
      "test.conf:1:25: can not have a single user/pass and a users array");
  EXPECT_EQ(
      config_error_of("leafnodes { port: 7422, authorization { users: [ {user: c, password: d}, "
                      "{user: c, password: e} ] } }"),
      "test.conf:1:25: duplicate user \"c\" detected in leafnode authorization");
  EXPECT_EQ(config_error_of("leafnodes { port: 7422, min_version: \"2.1.0\" }"),
            "test.conf:1:25: the minimum version should be at least 2.8.0");
  EXPECT_EQ(config_error_of("leafnodes { port: 7422, authorization { users: 5 } }"),
            "test.conf:1:41: Expected users field to be an array, got 5");
  EXPECT_EQ(config_error_of("leafnodes { port: 7422, authorization { users: [ 5 ] } }"),
            "test.conf:1:50: Expected user entry to be a map/struct, got 5");
  // The startup checks.
  EXPECT_EQ(
      config_error_of("leafnodes { port: 7422, authorization { users: [ {user: a, password: b, "
                      "account: NOPE} ] } }"),
      "cannot find local account \"NOPE\" specified in leafnode authorization");
  EXPECT_EQ(config_error_of("leafnodes { port: 7422, authorization { account: NOPE } }"),
            "cannot find local account \"NOPE\" specified in leafnode authorization");
  EXPECT_EQ(
      config_error_of("leafnodes { remotes: [ { url: \"nats-leaf://h:1\", account: NOPE } ] }"),
      "cannot find local account \"NOPE\" specified in leafnode remote");
  EXPECT_EQ(
      config_error_of("leafnodes { remotes: [ { urls: [\"nats-leaf://h:1\", \"ws://h:2\"] } ] }"),
      "remote leaf node configuration cannot have a mix of websocket and non-websocket "
      "urls: [\"nats-leaf://h:1\" \"ws://h:2\"]");
  EXPECT_EQ(config_error_of("leafnodes { remotes: [ { url: \"tls://u:p@h:1\" } ] }"),
            "TLS on leafnode remotes is not supported yet: tls://u:xxxxx@h:1");
  EXPECT_EQ(config_error_of("gateway { name: A, port: 7222 }\nleafnodes { port: 7422 }"),
            "leaf nodes and gateways (both being defined) require a system account to also be "
            "configured");
  EXPECT_EQ(config_error_of(
                "system_account: \"$SYS\"\ngateway { name: A, port: 7222 }\nleafnodes { port: "
                "7422 }"),
            "");
}

// -- the wire ---------------------------------------------------------------------------------

TEST(LeafInfo, TheHubsInfoHasNatsServersShape) {
  proto::leaf_info i;
  i.server_id = "NHUB";
  i.server_name = "hub1";
  i.version = "2.9.10";
  i.host = "192.0.2.2";
  i.port = 17422;
  i.headers = true;
  i.max_payload = 1048576;
  i.ip = "192.0.2.2:17422";
  i.cid = 4;
  i.nonce = "NVb7XCB-m3DNI0E";
  i.info_on_connect = true;
  i.leafnode_urls = {"192.0.2.2:17422"};
  // nats-server 2.9.10's first INFO on its leafnode port, key for key (but "go").
  EXPECT_EQ(proto::encode_leaf_info(i),
            "INFO {\"server_id\":\"NHUB\",\"server_name\":\"hub1\",\"version\":\"2.9.10\","
            "\"proto\":1,\"go\":\"\",\"host\":\"192.0.2.2\",\"port\":17422,\"headers\":true,"
            "\"auth_required\":true,\"max_payload\":1048576,\"ip\":\"192.0.2.2:17422\","
            "\"client_id\":4,\"nonce\":\"NVb7XCB-m3DNI0E\",\"info_on_connect\":true,"
            "\"leafnode_urls\":[\"192.0.2.2:17422\"]}\r\n");
  proto::leaf_info back;
  ASSERT_TRUE(proto::parse_leaf_info(
      R"({"server_id":"N","client_id":4,"connect_info":true,"leafnode_urls":["h:1"],)"
      R"("remote_account":"ACME","import":{"allow":["a.>"]},"export":{"deny":["b"]}})",
      back));
  EXPECT_TRUE(back.connect_info);
  EXPECT_TRUE(back.leafnode_urls_present);
  EXPECT_EQ(back.remote_account, "ACME");
  ASSERT_TRUE(back.import_rules && back.export_rules);
  EXPECT_EQ(back.import_rules->allow, std::vector<std::string>{"a.>"});
  EXPECT_EQ(back.export_rules->deny, std::vector<std::string>{"b"});
}

TEST(LeafInfo, TheLeafsConnectHasNatsServersShape) {
  proto::leaf_connect c;
  c.version = "2.9.10";
  c.server_id = "NLEAF";
  c.name = "leaf1";
  c.cluster = "leaf1";
  c.headers = true;
  EXPECT_EQ(proto::encode_leaf_connect(c),
            "CONNECT {\"version\":\"2.9.10\",\"tls_required\":false,\"server_id\":\"NLEAF\","
            "\"name\":\"leaf1\",\"cluster\":\"leaf1\",\"headers\":true}\r\n");
}

struct recorded_ops final : proto::leaf_op_handler {
  bool on_info(std::string_view) override { return true; }
  bool on_connect(std::string_view) override { return true; }
  bool on_ping() override { return true; }
  bool on_pong() override { return true; }
  bool on_err(std::string_view) override { return true; }
  bool on_leaf_sub(std::string_view s, std::string_view q, int32_t w) override {
    ops.push_back("+" + std::string{s} + "|" + std::string{q} + "|" + std::to_string(w));
    return true;
  }
  bool on_leaf_unsub(std::string_view key) override {
    ops.push_back("-" + std::string{key});
    return true;
  }
  bool on_leaf_message(const proto::routed_message& m) override {
    std::string q;
    for (auto x : *m.queues)
      q += std::string{x} + ",";
    ops.push_back("m" + std::string{m.subject} + "|" + std::string{m.reply} + "|" + q + "|" +
                  std::to_string(m.header_size) + "|" + std::string{m.message});
    return true;
  }
  std::vector<std::string> ops;
};

TEST(LeafParser, ReadsEveryFormNatsServerSends) {
  proto::leaf_parser p;
  p.set_headers_enabled(true);
  recorded_ops h;
  const std::string in =
      "LS+ foo\r\nLS+ bar q1 3\r\nLS- bar q1\r\nLMSG foo rep 2\r\nhi\r\nLMSG bar | q1 q2 "
      "2\r\nhi\r\n"
      "LMSG bar + r q1 2\r\nhi\r\nHMSG foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
      "RS+ baz\r\nSUB qux\r\nPUB x 2\r\nhi\r\nA+ acc\r\n";
  ASSERT_TRUE(p.parse(in.data(), in.size(), h).ok);
  EXPECT_EQ(h.ops, (std::vector<std::string>{
                       "+foo||0", "+bar|q1|3", "-bar q1", "mfoo|rep||0|hi", "mbar||q1,q2,|0|hi",
                       "mbar|r|q1,|0|hi", "mfoo|||12|NATS/1.0\r\n\r\nhi", "+baz||0", "+qux||0"}));
}

TEST(LeafParser, BrokenArgumentsCloseAsNatsServerDoes) {
  for (const std::string bad : {"LS+ a b\r\n", "LS+ a b c d\r\n", "LMSG foo\r\n",
                                "LMSG foo a b 2\r\nhi\r\n", "HMSG foo 2 1\r\nhi\r\n"}) {
    proto::leaf_parser p;
    p.set_headers_enabled(true);
    recorded_ops h;
    const auto st = p.parse(bad.data(), bad.size(), h);
    EXPECT_FALSE(st.ok) << bad;
    EXPECT_TRUE(proto::error_text(st.error).empty()) << bad;  // a logged close, no -ERR
  }
  proto::leaf_parser p;
  recorded_ops h;
  const std::string unknown = "MSG foo 1 2\r\nhi\r\n";
  const auto st = p.parse(unknown.data(), unknown.size(), h);
  EXPECT_EQ(proto::error_text(st.error), "Unknown Protocol Operation");
}

TEST(LeafEncoder, MessagesAndInterestAsNatsServerWritesThem) {
  std::vector<char> out;
  const std::vector<std::string_view> none, q{"q1"};
  proto::append_leaf_message(out, {"foo", "rep", false, 0, "hi"}, none, true);
  proto::append_leaf_message(out, {"bar", "", false, 0, "hi"}, q, true);
  proto::append_leaf_message(out, {"foo", "", true, 12, "NATS/1.0\r\n\r\nhi"}, none, true);
  proto::append_leaf_message(out, {"foo", "", true, 12, "NATS/1.0\r\n\r\nhi"}, none, false);
  EXPECT_EQ(std::string(out.begin(), out.end()),
            "LMSG foo rep 2\r\nhi\r\nLMSG bar | q1 2\r\nhi\r\nHMSG foo 12 14\r\nNATS/1.0\r\n\r\n"
            "hi\r\nLMSG foo 2\r\nhi\r\n");
  std::vector<char> routed;
  proto::append_origin_message(routed, "edge", "$G", {"foo", "", false, 0, "hi"}, none);
  EXPECT_EQ(std::string(routed.begin(), routed.end()), "LMSG edge $G foo 0 2\r\nhi\r\n");
  std::string lines;
  proto::append_leaf_interest(lines, "foo", 1);
  proto::append_leaf_interest(lines, "bar q1", 3);
  proto::append_leaf_interest(lines, "bar q1", 0);
  EXPECT_EQ(lines, "LS+ foo\r\nLS+ bar q1 3\r\nLS- bar q1\r\n");
}

// -- who hears of which interest --------------------------------------------------------------

interest_change change(const std::string& subject, int delta, interest_source source,
                       uint64_t id = 0, const std::string& origin = {},
                       const std::string& queue = {}) {
  return interest_change{"$G", subject, queue, delta, source, id, origin};
}

leaf_audience audience(uint64_t lid, bool spoke, const std::string& cluster) {
  leaf_audience a;
  a.lid = lid;
  a.account = "$G";
  a.remote_cluster = cluster;
  a.spoke = spoke;
  return a;
}

TEST(LeafInterest, AHubTellsItsLeafEverythingButItsOwnAndItsClustersInterest) {
  leaf_interest t;
  t.apply({change("local", 1, interest_source::client),
           change("peer", 1, interest_source::route, 1),
           change("far", 1, interest_source::gateway, 2),
           change("mine", 1, interest_source::leaf_hub, 10, "edge"),
           change("sibling", 1, interest_source::route, 1, "edge"),
           change("other.leaf", 1, interest_source::leaf_hub, 11, "other")});
  EXPECT_EQ(t.add(audience(10, false, "edge")),
            "LS+ far\r\nLS+ local\r\nLS+ other.leaf\r\nLS+ peer\r\n");
}

TEST(LeafInterest, ASpokeTellsItsHubOnlyItsOwnClientsAndLeafs) {
  leaf_interest t;
  t.apply({change("local", 1, interest_source::client),
           change("peer", 1, interest_source::route, 1),
           change("from.hub", 1, interest_source::leaf_spoke, 10, "hubs"),
           change("below", 1, interest_source::leaf_hub, 11, "deep")});
  EXPECT_EQ(t.add(audience(10, true, "hubs")), "LS+ below\r\nLS+ local\r\n");
}

TEST(LeafInterest, PlainOnFirstAndLastQueuesOnEveryWeightChange) {
  leaf_interest t;
  t.add(audience(10, false, "edge"));
  auto lines = [&](std::vector<interest_change> c) {
    std::string out;
    for (auto& [lid, text] : t.apply(c))
      out += text;
    return out;
  };
  EXPECT_EQ(lines({change("a", 1, interest_source::client)}), "LS+ a\r\n");
  EXPECT_EQ(lines({change("a", 1, interest_source::route, 1)}), "");
  EXPECT_EQ(lines({change("a", -1, interest_source::client)}), "");
  EXPECT_EQ(lines({change("a", -1, interest_source::route, 1)}), "LS- a\r\n");
  EXPECT_EQ(lines({change("w", 1, interest_source::client, 0, {}, "q")}), "LS+ w q 1\r\n");
  EXPECT_EQ(lines({change("w", 3, interest_source::route, 1, {}, "q")}), "LS+ w q 4\r\n");
  EXPECT_EQ(lines({change("w", -4, interest_source::client, 0, {}, "q")}), "LS+ w q 3\r\n");
  EXPECT_EQ(lines({change("w", -3, interest_source::route, 1, {}, "q")}), "LS- w q\r\n");
}

TEST(LeafInterest, ALoopDetectionSubjectGoesBackOnlyWhenALeafnodeBroughtIt) {
  leaf_interest t;
  // Another server's leafnode connection from the same cluster, over a route: stale interest,
  // not a loop. The same subject from a leafnode we are the hub of: a loop must show.
  t.apply({change("$LDS.route", 1, interest_source::route, 1, "edge"),
           change("$LDS.leaf", 1, interest_source::leaf_hub, 11, "edge")});
  EXPECT_EQ(t.add(audience(10, false, "edge")), "LS+ $LDS.leaf\r\n");
}

TEST(LeafInterest, ARemovedLeafsInterestIsWithdrawnFromTheOthers) {
  leaf_interest t;
  t.add(audience(10, false, "a"));
  t.add(audience(11, false, "b"));
  t.apply({change("x", 1, interest_source::leaf_hub, 11, "b")});
  const auto out = t.remove(11);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (std::pair<uint64_t, std::string>{10, "LS- x\r\n"}));
  EXPECT_EQ(t.told(10, "x"), 0);
}

TEST(InterestTable, RoutesHearALeafClustersInterestWithItsOrigin) {
  interest_table t;
  EXPECT_EQ(t.apply({change("x", 1, interest_source::leaf_hub, 5, "edge")}), "LS+ edge $G x\r\n");
  // Interest from anywhere else makes it plain again (announced once more).
  EXPECT_EQ(t.apply({change("x", 1, interest_source::client)}), "RS+ $G x\r\n");
  EXPECT_EQ(t.apply({change("x", -1, interest_source::client)}), "LS+ edge $G x\r\n");
  EXPECT_EQ(t.apply({change("x", -1, interest_source::leaf_hub, 5, "edge")}), "RS- $G x\r\n");
  // A hub we dialled, routes' peers and other clusters are never announced to routes.
  EXPECT_EQ(t.apply({change("y", 1, interest_source::leaf_spoke, 6, "hubs"),
                     change("z", 1, interest_source::route, 1)}),
            "");
}

// -- remotes, credentials ---------------------------------------------------------------------

TEST(LeafRemotes, TriesEachUrlInTurnAndTheHubsAnnouncedOnesFirst) {
  leafnode_options o;
  remote_leaf_options r;
  r.urls = {"nats-leaf://a:1", "nats-leaf://b:2"};
  r.no_randomize = true;
  o.remotes.push_back(r);
  prng rng{1};
  cluster::leaf_remotes remotes{o, rng};
  const auto first = remotes.start();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].url, "nats-leaf://a:1");
  EXPECT_EQ(first[0].delay, duration::zero());
  const auto next = remotes.dial_failed(0);
  EXPECT_EQ(next.url, "nats-leaf://b:2");
  EXPECT_EQ(next.delay, std::chrono::seconds{1});
  EXPECT_EQ(remotes.dial_failed(0).url, "nats-leaf://a:1");
  remotes.learned(0, {"c:3", "a:1"});  // a configured one is not repeated
  EXPECT_EQ(remotes.urls(0),
            (std::vector<std::string>{"nats-leaf://c:3", "nats-leaf://a:1", "nats-leaf://b:2"}));
  // After a loop the hub is left alone for 30 s more.
  EXPECT_EQ(remotes.closed(0, std::chrono::seconds{30}).delay, std::chrono::seconds{31});
}

TEST(Credentials, TheJwtAndTheSeedOfACredsFileSignTheNonce) {
  std::array<uint8_t, 32> raw{};
  for (size_t i = 0; i < raw.size(); ++i)
    raw[i] = static_cast<uint8_t>(i * 7 + 1);
  const std::string seed = nkey::encode_user_seed(raw);
  const std::string file =
      "-----BEGIN NATS USER JWT-----\neyJ0eXAi.payload.sig\n------END NATS "
      "USER JWT------\n\n************************* IMPORTANT "
      "*************************\n-----BEGIN USER NKEY SEED-----\n" +
      seed + "\n------END USER NKEY SEED------\n";
  const auto creds = parse_credentials(file);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->jwt, "eyJ0eXAi.payload.sig");
  EXPECT_EQ(creds->seed, seed);
  const auto sig = nkey::sign(creds->seed, "NONCE123");
  ASSERT_TRUE(sig);
  EXPECT_FALSE(parse_credentials("no blocks here"));
  EXPECT_FALSE(nkey::sign("SUNOTASEED", "x"));
}

// -- the connection ---------------------------------------------------------------------------

class recording_subscriber final : public subscriber {
 public:
  recording_subscriber() : subscriber(7, subscriber_kind::leaf) {}
  void deliver(delivery_batch batch) override {
    received.append(batch.bytes.begin(), batch.bytes.end());
  }
  void subscription_expired(uint64_t) override {}
  std::string received;
};

struct leaf_fixture {
  leaf_fixture(const std::string& config = "") {
    ctx = std::make_shared<server_context>();
    ctx->log = std::make_shared<null_log>();
    ctx->server_id = "NSELF";
    ctx->server_name = "self";
    auto o = load_config_text(config.empty() ? "leafnodes { port: 7422 }" : config);
    ctx->accounts.configure(o, ctx->server_id);
    ctx->set_options(o);
    ctx->set_auth(o.authorization);
    ctx->leafnodes_enabled = true;
    ctx->leaf_cluster = "edge";
  }
  std::unique_ptr<leaf_connection> make(bool solicited) {
    leaf_role role;
    role.solicited = solicited;
    role.url = "nats-leaf://u:p@hub:7422";
    self = std::make_shared<recording_subscriber>();
    auto c = std::make_unique<leaf_connection>(ctx, 7, "h", 1, role, self, prng{3});
    c->start({"10.0.0.1:7422"});
    return c;
  }
  static std::string output(leaf_connection& c) {
    std::string out;
    for (const auto& chunk : c.take_output({}))
      out.append(chunk.begin(), chunk.end());
    return out;
  }
  static void feed(leaf_connection& c, const std::string& bytes) {
    c.receive(bytes.data(), bytes.size());
  }
  server_context_ptr ctx;
  std::shared_ptr<recording_subscriber> self;
};

TEST(LeafConnection, TheHubGreetsAuthorizesAndBindsTheAccount) {
  leaf_fixture f{
      "accounts { ACME: {} }\nleafnodes { port: 7422, authorization { user: leaf, "
      "password: pw, account: ACME } }"};
  auto c = f.make(false);
  const std::string info = leaf_fixture::output(*c);
  EXPECT_EQ(info.rfind("INFO {", 0), 0u);
  EXPECT_NE(info.find("\"nonce\":"), std::string::npos);
  EXPECT_NE(info.find("\"leafnode_urls\":[\"10.0.0.1:7422\"]"), std::string::npos);
  leaf_fixture::feed(*c,
                     "CONNECT {\"name\":\"l1\",\"cluster\":\"edge\",\"user\":\"leaf\","
                     "\"pass\":\"pw\",\"headers\":true}\r\n");
  const std::string second = leaf_fixture::output(*c);
  EXPECT_NE(second.find("\"connect_info\":true"), std::string::npos) << second;
  EXPECT_NE(second.find("\"remote_account\":\"ACME\""), std::string::npos);
  const auto reg = c->take_registration();
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->account, "ACME");
  EXPECT_EQ(reg->remote_server, "l1");
  EXPECT_EQ(reg->remote_cluster, "edge");
  EXPECT_FALSE(reg->spoke);
  EXPECT_EQ(reg->audience.extra.front(), loop_detection_subject("NSELF", "ACME"));
  // Its interest lands in ACME's sublist and is reported with its origin.
  leaf_fixture::feed(*c, "LS+ orders.>\r\nLS+ work q 2\r\n");
  const auto changes = c->take_interest();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].delta, 2);
  EXPECT_EQ(changes[1].origin, "edge");
  EXPECT_EQ(changes[1].source, interest_source::leaf_hub);
  EXPECT_EQ(f.ctx->accounts.find("ACME")->subscriptions().match("orders.x")->plain.size(), 1u);
}

TEST(LeafConnection, TheHubTakesNothingBeforeConnectAndRefusesWrongLogins) {
  leaf_fixture f{"leafnodes { port: 7422, authorization { user: leaf, password: pw } }"};
  auto c = f.make(false);
  leaf_fixture::output(*c);
  leaf_fixture::feed(*c, "LS+ foo\r\n");
  EXPECT_EQ(leaf_fixture::output(*c), "-ERR 'Authorization Violation'\r\n");
  EXPECT_TRUE(c->closing());
  auto d = f.make(false);
  leaf_fixture::output(*d);
  leaf_fixture::feed(*d, "CONNECT {\"user\":\"leaf\",\"pass\":\"wrong\"}\r\n");
  EXPECT_EQ(leaf_fixture::output(*d), "-ERR 'Authorization Violation'\r\n");
  EXPECT_FALSE(d->take_registration());
}

TEST(LeafConnection, TheHubRefusesClientsGatewaysAndItsOwnClusterName) {
  leaf_fixture f{"cluster { name: hubs, port: 6222 }\nleafnodes { port: 7422 }"};
  const std::pair<std::string, std::string> cases[] = {
      {"CONNECT {\"lang\":\"go\"}\r\n", "-ERR 'attempted to connect to leaf node port'\r\n"},
      {"CONNECT {\"gateway\":\"X\"}\r\n",
       "-ERR 'Rejecting connection from gateway \"X\" on the leafnode port'\r\n"},
      {"CONNECT {\"cluster\":\"hubs\"}\r\n", "-ERR 'remote leafnode has same cluster name'\r\n"},
  };
  for (const auto& [in, want] : cases) {
    auto c = f.make(false);
    leaf_fixture::output(*c);
    leaf_fixture::feed(*c, in);
    EXPECT_EQ(leaf_fixture::output(*c), want) << in;
    EXPECT_TRUE(c->closing());
  }
}

TEST(LeafConnection, AHubThatHearsItsOwnLoopSubjectClosesWithNatsServersError) {
  leaf_fixture f;
  auto c = f.make(false);
  leaf_fixture::output(*c);
  leaf_fixture::feed(*c, "CONNECT {\"name\":\"l1\"}\r\n");
  leaf_fixture::output(*c);
  ASSERT_TRUE(c->take_registration());
  leaf_fixture::feed(*c, "LS+ " + loop_detection_subject("NSELF", "$G") + "\r\n");
  EXPECT_EQ(leaf_fixture::output(*c),
            "-ERR 'Loop detected for leafnode account=\"$G\". Delaying attempt to reconnect "
            "for 30s'\r\n");
  EXPECT_TRUE(c->closing());
}

TEST(LeafConnection, TheLeafAnswersTheHubsInfoAndWaitsForItsAccount) {
  leaf_fixture f{
      "leafnodes { remotes: [ { url: \"nats-leaf://u:p@hub:7422\", deny_imports: "
      "[\"private.>\"] } ] }"};
  auto c = f.make(true);
  EXPECT_EQ(leaf_fixture::output(*c), "");  // the hub speaks first
  leaf_fixture::feed(*c,
                     "INFO {\"server_id\":\"NHUB\",\"server_name\":\"hub\",\"client_id\":4,"
                     "\"nonce\":\"abc\",\"info_on_connect\":true,\"headers\":true,"
                     "\"leafnode_urls\":[\"10.0.0.9:7422\"]}\r\n");
  const std::string connect = leaf_fixture::output(*c);
  EXPECT_EQ(connect,
            "CONNECT {\"version\":\"2.9.10\",\"user\":\"u\",\"pass\":\"p\",\"tls_required\":false,"
            "\"server_id\":\"NSELF\",\"name\":\"self\",\"cluster\":\"edge\",\"headers\":true,"
            "\"deny_pub\":[\"private.>\"]}\r\n");
  EXPECT_FALSE(c->take_registration());  // not before the hub's answer
  leaf_fixture::feed(*c,
                     "INFO {\"server_id\":\"NHUB\",\"client_id\":4,\"connect_info\":true,"
                     "\"remote_account\":\"$G\",\"leafnode_urls\":[\"10.0.0.9:7422\"]}\r\n");
  const auto reg = c->take_registration();
  ASSERT_TRUE(reg);
  EXPECT_TRUE(reg->spoke);
  EXPECT_EQ(reg->remote_server, "hub");
  EXPECT_EQ(c->take_urls(), (std::vector<std::string>{"10.0.0.9:7422"}));
  // deny_imports: the hub's messages on those subjects are not taken.
  ASSERT_NE(f.self->leaf, nullptr);
  EXPECT_FALSE(f.self->leaf->may_send("$JS.API.INFO"));  // JetStream is not extended
}

TEST(LeafConnection, ALeafRefusesAPortThatIsNotALeafnodePort) {
  leaf_fixture f{"leafnodes { remotes: [ { url: \"nats-leaf://hub:4222\" } ] }"};
  auto c = f.make(true);
  leaf_fixture::feed(*c, "INFO {\"server_id\":\"NHUB\",\"client_id\":4}\r\n");  // a client port
  EXPECT_TRUE(c->closing());
  EXPECT_EQ(c->close_reason(), "Incorrect Port");
}

TEST(Permissions, DenyOnlyRulesLetOtherSubjectsPassAsTheFullMatchWould) {
  // The first-character prefilter gives the same verdicts as matching every pattern.
  permission_set p;
  p.publish.deny = {"$JS.API.>", "$KV.>", "secret.*"};
  p.subscribe.deny = {"$JS.API.>", "private.>"};
  const permission_checker c{p};
  for (const char* ok : {"orders", "s", "secrets", "$OBJ", "pri", "*", ">"})
    EXPECT_TRUE(c.can_publish(ok)) << ok;
  for (const char* no : {"$JS.API.INFO", "$KV.b.k", "secret.x"})
    EXPECT_FALSE(c.can_publish(no)) << no;
  EXPECT_TRUE(c.can_subscribe("orders.>", {}));
  EXPECT_FALSE(c.can_subscribe("private.x", {}));
  // A wildcard subscription is matched in full: allowed, its denies become a delivery filter.
  EXPECT_TRUE(c.can_subscribe(">", {}));
  EXPECT_NE(c.delivery_filter(">"), nullptr);
  permission_set w;
  w.publish.deny = {"*.secret"};  // a leading wildcard turns the prefilter off
  EXPECT_FALSE(permission_checker{w}.can_publish("a.secret"));
}

// -- the router's leafnode rules --------------------------------------------------------------

struct router_fixture {
  router_fixture() {
    ctx = std::make_shared<server_context>();
    ctx->log = std::make_shared<null_log>();
    server_options o;
    ctx->accounts.configure(o, "NSELF");
    ctx->set_options(o);
  }
  std::shared_ptr<recording_subscriber> leaf(bool spoke, const std::string& cluster) {
    auto s = std::make_shared<recording_subscriber>();
    auto peer = std::make_shared<leaf_peer>();
    peer->spoke = spoke;
    peer->remote_cluster = cluster;
    s->leaf = peer;
    return s;
  }
  template <class Owner>
  void sub(const std::shared_ptr<Owner>& owner, const std::string& subject,
           const std::string& queue = {}) {
    auto s = std::make_shared<subscription>();
    s->subject = subject;
    s->queue = queue;
    s->sid = std::to_string(++next);
    s->owner = owner;
    ctx->accounts.global()->subscriptions().insert(s);
  }
  void publish(message_origin o, const std::string& subject,
               const std::vector<std::string_view>* queues = nullptr) {
    message_router r{*ctx, rng};
    o.acc = ctx->accounts.global().get();
    o.queues = queues;
    std::vector<char> self_out;
    o.self_out = &self_out;
    r.route({subject, "", false, 0, "x"}, o);
    r.flush();
  }
  server_context_ptr ctx;
  prng rng{7};
  uint64_t next = 0;
};

class route_subscriber final : public subscriber {
 public:
  route_subscriber() : subscriber(8, subscriber_kind::route) {}
  void deliver(delivery_batch batch) override {
    received.append(batch.bytes.begin(), batch.bytes.end());
  }
  void subscription_expired(uint64_t) override {}
  std::string received;
};

TEST(LeafRouting, NoEchoNoRouteFromTheHubAndRoutesOnlyToLeafsWeAreTheHubOf) {
  router_fixture f;
  auto below = f.leaf(false, "edge");  // dialled us
  auto above = f.leaf(true, "hubs");   // we dialled it
  auto route = std::make_shared<route_subscriber>();
  f.sub(below, "foo");
  f.sub(above, "foo");
  f.sub(route, "foo");
  // From the leaf below: to the hub above and the route (naming its cluster), not back.
  message_origin from_below;
  from_below.self = below.get();
  from_below.from_leaf = below->leaf.get();
  from_below.leaf_origin = "edge";
  f.publish(from_below, "foo");
  EXPECT_EQ(below->received, "");
  EXPECT_EQ(above->received, "LMSG foo 1\r\nx\r\n");
  EXPECT_EQ(route->received, "LMSG edge $G foo 0 1\r\nx\r\n");
  below->received.clear();
  above->received.clear();
  route->received.clear();
  // From the hub above: to the leaf below, never to a route nor back up.
  message_origin from_above;
  from_above.self = above.get();
  from_above.from_leaf = above->leaf.get();
  from_above.leaf_origin = "hubs";
  f.publish(from_above, "foo");
  EXPECT_EQ(below->received, "LMSG foo 1\r\nx\r\n");
  EXPECT_EQ(above->received, "");
  EXPECT_EQ(route->received, "");
  below->received.clear();
  // From a route: only to the leaf we are the hub of, and not if it came from that cluster.
  message_origin from_route;
  from_route.self = route.get();
  from_route.from_route = true;
  f.publish(from_route, "foo");
  EXPECT_EQ(below->received, "LMSG foo 1\r\nx\r\n");
  EXPECT_EQ(above->received, "");
  below->received.clear();
  from_route.leaf_origin = "edge";
  f.publish(from_route, "foo");
  EXPECT_EQ(below->received, "");
}

TEST(LeafRouting, QueueGroupsPreferThisClustersMembersAndFallBackToALeaf) {
  router_fixture f;
  auto below = f.leaf(false, "edge");
  auto route = std::make_shared<route_subscriber>();
  f.sub(below, "work", "q");
  f.sub(route, "work", "q");
  message_origin from_client;
  for (int i = 0; i < 20; ++i)
    f.publish(from_client, "work");
  EXPECT_EQ(below->received, "");  // the route's member always wins
  EXPECT_NE(route->received.find("RMSG $G work | q 1"), std::string::npos);
  // Without it, the leaf's member gets it, with the group named.
  router_fixture g;
  auto only = g.leaf(false, "edge");
  g.sub(only, "work", "q");
  g.publish(from_client, "work");
  EXPECT_EQ(only->received, "LMSG work | q 1\r\nx\r\n");
  // A leaf's message without queue names serves no group here (nats-server's reading).
  only->received.clear();
  auto local_route = std::make_shared<route_subscriber>();
  g.sub(local_route, "work", "q");
  message_origin from_leaf;
  auto other = g.leaf(false, "other");
  from_leaf.self = other.get();
  from_leaf.from_leaf = other->leaf.get();
  from_leaf.leaf_origin = "other";
  const std::vector<std::string_view> none;
  g.publish(from_leaf, "work", &none);
  EXPECT_EQ(only->received, "");
  EXPECT_EQ(local_route->received, "");
}

}  // namespace
}  // namespace gnatsd
