// The system account's subjects, request bodies and JSON (src/system), and the MSG frames
// the system service reads back (src/proto/msg_frames).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/msg_frames.hpp"
#include "system/system_messages.hpp"
#include "system/system_subjects.hpp"

namespace gnatsd::system {
namespace {

TEST(SystemSubjects, RequestsAreReadAsNatsServerNamesThem) {
  const auto ping = parse_request("$SYS.REQ.SERVER.PING", "NID");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->what, endpoint::statsz);
  EXPECT_EQ(parse_request("$SYS.REQ.SERVER.PING.CONNZ", "NID")->what, endpoint::connz);
  EXPECT_EQ(parse_request("$SYS.REQ.SERVER.NID.VARZ", "NID")->what, endpoint::varz);
  EXPECT_FALSE(parse_request("$SYS.REQ.SERVER.OTHER.VARZ", "NID"));  // another server's
  EXPECT_FALSE(parse_request("$SYS.REQ.SERVER.PING.NOPE", "NID"));
  const auto info = parse_request("$SYS.REQ.ACCOUNT.A.INFO", "NID");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->what, endpoint::account_info);
  EXPECT_EQ(info->account, "A");
  EXPECT_EQ(parse_request("$SYS.REQ.ACCOUNT.PING.STATZ", "NID")->account, "");
  EXPECT_FALSE(parse_request("$SYS.REQ.ACCOUNT.A.B.INFO", "NID"));
  EXPECT_FALSE(parse_request("foo", "NID"));
}

TEST(SystemSubjects, EveryRequestSubscribedToIsOneTheServerAnswers) {
  const auto subs = request_subscriptions("NID");
  EXPECT_EQ(subs.size(), 1u + 10u + 10u + 7u);
  for (const auto& s : subs) {
    std::string concrete = s;
    if (const auto star = concrete.find('*'); star != std::string::npos)
      concrete.replace(star, 1, "A");
    EXPECT_TRUE(parse_request(concrete, "NID")) << s;
  }
}

TEST(SystemSubjects, EventSubjectsAndTheServerTheyName) {
  EXPECT_EQ(connect_subject("A"), "$SYS.ACCOUNT.A.CONNECT");
  EXPECT_EQ(account_conns_subject_old("A"), "$SYS.SERVER.ACCOUNT.A.CONNS");
  EXPECT_EQ(event_server(statsz_subject("NID")), "NID");
  EXPECT_EQ(event_server(shutdown_subject("NID")), "NID");
  EXPECT_EQ(event_server("$SYS.SERVER.ACCOUNT.A.CONNS"), "");
  const auto imports = account_service_imports("A");
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(imports[0].local, "$SYS.REQ.SERVER.PING.CONNZ");
  EXPECT_EQ(imports[0].remote, "$SYS.REQ.ACCOUNT.A.CONNZ");
}

TEST(SystemRequests, BodiesPickServersAndBecomeMonitorQueries) {
  const server_identity me{"n1", "127.0.0.1", "NID", "c1", "2.9.10"};
  const request connz{endpoint::connz, {}};
  EXPECT_TRUE(read_request("", connz, me).for_us);
  EXPECT_TRUE(read_request(R"({"server_name":"n"})", connz, me).for_us);  // a substring
  EXPECT_FALSE(read_request(R"({"server_name":"n2"})", connz, me).for_us);
  EXPECT_FALSE(read_request(R"({"cluster":"other"})", connz, me).for_us);
  EXPECT_FALSE(read_request(R"({"tags":["x"]})", connz, me).for_us);
  EXPECT_EQ(
      read_request(R"({"subscriptions":true,"limit":5,"state":1,"acc":"A"})", connz, me).query,
      "subs=1&limit=5&state=closed&acc=A");
  EXPECT_EQ(read_request(R"({"account":"A"})", request{endpoint::accountz, {}}, me).query, "acc=A");
  // No option smuggled in a value; an account request's own account is appended last.
  EXPECT_EQ(read_request(R"({"sort":"cid&acc=B","acc":"B=1"})", connz, me).query, "");
  EXPECT_FALSE(read_request("{bad", connz, me).error.empty());
  EXPECT_FALSE(read_request("[1]", connz, me).error.empty());
}

TEST(SystemMessages, EventsCarryTheServerTheirTypeAndTheClient) {
  const server_identity me{"n1", "127.0.0.1", "NID", "", "2.9.10"};
  const header h{&me, 7, 1'700'000'000'000'000'000};
  client_view c;
  c.cid = 5;
  c.account = "A";
  c.user = "a";
  c.out_msgs = 2;
  c.reason = "Client Closed";
  const auto gone = nlohmann::json::parse(disconnect_event(h, event_id(1, 2), c));
  EXPECT_EQ(gone["type"], "io.nats.server.advisory.v1.client_disconnect");
  EXPECT_EQ(gone["server"]["seq"], 7);
  EXPECT_FALSE(gone["server"].contains("cluster"));  // not clustered
  EXPECT_EQ(gone["client"]["acc"], "A");
  EXPECT_EQ(gone["client"]["kind"], "Client");
  EXPECT_TRUE(gone["client"].contains("stop"));
  EXPECT_FALSE(gone["client"].contains("name"));  // empty: left out
  EXPECT_EQ(gone["sent"]["msgs"], 2);
  EXPECT_EQ(gone["reason"], "Client Closed");
  EXPECT_EQ(gone["id"].get<std::string>().size(), 22u);
  const auto reply = nlohmann::json::parse(statsz_message(h, R"({"connections":1})", 3));
  EXPECT_EQ(reply["statsz"]["active_servers"], 3);
  const auto error = nlohmann::json::parse(error_reply(h, 500, "jetstream not enabled", true));
  EXPECT_TRUE(error["data"].is_null());
  EXPECT_EQ(error["error"]["code"], 500);
}

TEST(MsgFrames, DeliveriesAreReadBackFrameByFrame) {
  std::vector<std::string> seen;
  EXPECT_TRUE(proto::for_each_msg(
      "MSG a 1 r 2\r\nhi\r\nMSG b 2 0\r\n\r\n", [&](const proto::delivered_msg& m) {
        seen.push_back(std::string{m.subject} + "|" + std::string{m.reply} + "|" +
                       std::string{m.payload});
      }));
  EXPECT_EQ(seen, (std::vector<std::string>{"a|r|hi", "b||"}));
  EXPECT_FALSE(proto::for_each_msg("MSG a 1 5\r\nhi\r\n", [](const proto::delivered_msg&) {}));
  EXPECT_FALSE(proto::for_each_msg("HMSG a 1 2 2\r\n\r\n\r\n", [](const proto::delivered_msg&) {}));
}

}  // namespace
}  // namespace gnatsd::system
