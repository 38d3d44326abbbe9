// End-to-end tests of service latency tracking (`latency` on a service export): the same
// transcript on gnatsd and on Debian's nats-server 2.9.10 gives results of the same shape and
// statuses; in a cluster of one gnatsd and one nats-server (each way round) a request
// answered on the other server is measured with the responder's server's half merged in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "../support/e2e_helpers.hpp"
#include "../support/msg_transcript.hpp"

namespace gnatsd::testing {
namespace {

using json = nlohmann::json;

std::string latency_config(int client_port, const std::string& name, const std::string& extra) {
  return "listen: 127.0.0.1:" + std::to_string(client_port) + "\nserver_name: " + name + R"(
accounts {
  S: { users: [{user: s, password: s}]
       exports: [{service: "svc.>", threshold: "1s",
                  latency: {sampling: 100, subject: "lat.svc"}}] }
  R: { users: [{user: r, password: r}]
       imports: [{service: {account: S, subject: "svc.>"}, share: true},
                 {service: {account: S, subject: "svc.x"}, to: "plain.x"}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
)" + extra;
}

std::unique_ptr<raw_client> login(int port, const std::string& user, const std::string& sub) {
  auto c = std::make_unique<raw_client>(port);
  c->send("CONNECT {\"verbose\":false,\"headers\":true,\"name\":\"" + user + "\",\"user\":\"" +
          user + "\",\"pass\":\"" + user + "\"}\r\nSUB " + sub + " 1\r\nPING\r\n");
  EXPECT_NE(c->read_until("PONG\r\n").find("PONG\r\n"), std::string::npos);
  return c;
}

// Answers the next request the responder receives (its reply subject read off the HMSG).
void answer_next(raw_client& responder) {
  static const std::regex hmsg{R"(HMSG \S+ 1 (\S+) \d+ \d+\r\n)"};
  std::smatch m;
  for (int i = 0; i < 100; ++i) {
    const std::string got = responder.received();
    if (std::regex_search(got, m, hmsg)) {
      responder.send("PUB " + m[1].str() + " 2\r\nok\r\n");
      return;
    }
    responder.read_some(50);
  }
  ADD_FAILURE() << "the request never reached the responder: " << responder.received();
}

// One binary: a request that nobody serves (503), one answered (200), one without a reply
// subject (400), one left unanswered past the export's threshold (504); what the monitor of
// lat.svc received, as parsed JSON.
std::vector<json> one_server(const std::string& binary) {
  const int port = free_port();
  server_process s{binary,
                   {"-c", write_config("lat_" + std::to_string(port) + ".conf",
                                       latency_config(port, "one", ""))}};
  auto monitor = login(s.port(), "s", "lat.svc");
  auto requester = login(s.port(), "r", "inbox");
  requester->send("PUB svc.c inbox 2\r\nhi\r\n");
  wait_messages(*monitor, 1);
  auto responder = login(s.port(), "s", "svc.>");
  requester->send("PUB svc.a inbox 2\r\nhi\r\n");
  answer_next(*responder);
  wait_messages(*monitor, 2);
  requester->send("PUB svc.b 2\r\nhi\r\n");
  wait_messages(*monitor, 3);
  requester->send("PUB svc.d inbox 2\r\nhi\r\n");
  std::vector<json> out;
  for (const auto& m : wait_messages(*monitor, 4, std::chrono::seconds{10}))
    out.push_back(json::parse(m.payload));
  return out;
}

TEST(ServiceLatencyE2E, ResultsHaveNatsServersShapeAndStatuses) {
  const auto theirs = one_server(nats_server_binary());
  const auto ours = one_server(gnatsd_binary());
  std::string all;
  for (const auto& j : theirs)
    all += j.dump() + "\n";
  ASSERT_EQ(theirs.size(), 4u) << all;
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(shape(ours[i]), shape(theirs[i])) << ours[i].dump() << "\n" << theirs[i].dump();
    EXPECT_EQ(ours[i]["status"], theirs[i]["status"]);
  }
  EXPECT_EQ(ours[0]["description"], "Service Unavailable");
  EXPECT_EQ(ours[1]["status"], 200);
  EXPECT_EQ(ours[1]["requestor"]["name"], "r");  // the import shares its details
  EXPECT_EQ(ours[1]["responder"]["name"], "s");
  EXPECT_GT(ours[1]["service"].get<int64_t>(), 0);
  EXPECT_GE(ours[1]["total"].get<int64_t>(), ours[1]["service"].get<int64_t>());
  EXPECT_EQ(ours[2]["description"], "Bad Request");
  EXPECT_EQ(ours[3]["description"], "Service Timeout");
}

// Requester and monitor on the first server, responder on the second: the result on the
// first names the responder of the second, as the M2 it sent told.
json across_route(const std::string& first, const std::string& second) {
  const int c1 = free_port(), c2 = free_port(), r1 = free_port(), r2 = free_port();
  auto cluster = [&](int listen, int peer) {
    return "cluster { name: C, listen: 127.0.0.1:" + std::to_string(listen) +
           ", routes: [nats://127.0.0.1:" + std::to_string(peer) + "] }\n";
  };
  server_process a{first,
                   {"-c", write_config("lat_a_" + std::to_string(c1) + ".conf",
                                       latency_config(c1, "A", cluster(r1, r2)))}};
  server_process b{second,
                   {"-c", write_config("lat_b_" + std::to_string(c2) + ".conf",
                                       latency_config(c2, "B", cluster(r2, r1)))}};
  auto monitor = login(a.port(), "s", "lat.svc");
  auto responder = login(b.port(), "s", "svc.>");
  auto requester = login(a.port(), "r", "inbox");
  // The responder's interest crosses the route asynchronously: ask until it is served.
  for (int round = 0; round < 50 && responder->received().find("HMSG") == std::string::npos;
       ++round) {
    requester->send("PUB svc.a inbox 2\r\nhi\r\n");
    for (int i = 0; i < 4 && responder->received().find("HMSG") == std::string::npos; ++i)
      responder->read_some(50);
  }
  answer_next(*responder);
  // Requests sent before the interest arrived were measured too (503): the answered one is
  // the result with status 200.
  for (size_t seen = 1; seen < 60; ++seen)
    for (const auto& m : wait_messages(*monitor, seen, std::chrono::milliseconds{500}))
      if (const auto j = json::parse(m.payload); j["status"] == 200) return j;
  ADD_FAILURE() << "no result: " << monitor->received();
  return {};
}

TEST(ServiceLatencyE2E, AMixedClusterMergesTheRespondersHalf) {
  const auto reference = across_route(nats_server_binary(), nats_server_binary());
  for (const auto& [first, second] : {std::pair{gnatsd_binary(), nats_server_binary()},
                                      std::pair{nats_server_binary(), gnatsd_binary()},
                                      std::pair{gnatsd_binary(), gnatsd_binary()}}) {
    const auto j = across_route(first, second);
    EXPECT_EQ(shape(j), shape(reference)) << j.dump() << "\n" << reference.dump();
    EXPECT_EQ(j["requestor"]["server"], "A") << j.dump();
    EXPECT_EQ(j["responder"]["server"], "B") << j.dump();  // only the M2 knows it
    // The service time is the responder's server's, less its client's RTT (0 if that is
    // longer): the total is the requester's server's.
    EXPECT_GE(j["service"].get<int64_t>(), 0) << j.dump();
    EXPECT_GT(j["total"].get<int64_t>(), j["service"].get<int64_t>()) << j.dump();
  }
}

}  // namespace
}  // namespace gnatsd::testing
