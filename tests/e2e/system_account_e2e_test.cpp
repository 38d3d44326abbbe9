// End-to-end tests of the system account: gnatsd beside Debian's nats-server 2.9.10, the same
// transcripts on both (events and replies compared by their JSON's shape, the values being
// times, ids and counters), and a mixed cluster in which one PING is answered by every
// server, ours and theirs, as tools like `nats server list` expect.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/e2e_helpers.hpp"
#include "../support/msg_transcript.hpp"

namespace gnatsd::testing {
namespace {

using json = nlohmann::json;

std::string system_config(int client_port, const std::string& name, const std::string& extra = {}) {
  return "listen: 127.0.0.1:" + std::to_string(client_port) + "\nserver_name: " + name + R"(
accounts {
  SYS: { users: [{user: sys, password: sys}] }
  A: { users: [{user: a, password: a}] }
}
system_account: SYS
)" + extra;
}

std::unique_ptr<raw_client> login(int port, const std::string& user) {
  auto c = std::make_unique<raw_client>(port);
  c->send("CONNECT {\"verbose\":false,\"user\":\"" + user + "\",\"pass\":\"" + user +
          "\",\"protocol\":1}\r\nPING\r\n");
  EXPECT_NE(c->read_until("PONG\r\n").find("PONG\r\n"), std::string::npos);
  return c;
}

// The transcript run on one binary: a system user watches A's events while a client of A
// logs in, publishes and leaves, then asks the server for its statistics, its health, A's
// details and connection statistics; the client of A asks for its own account's connections
// through the import every account has. Subjects are kept, inboxes named by request.
std::vector<std::string> transcript(const std::string& binary) {
  const int port = free_port();
  server_process s{
      binary,
      {"-c", write_config("sys_" + std::to_string(port) + ".conf", system_config(port, "n1"))}};
  auto sys = login(s.port(), "sys");
  sys->send("SUB $SYS.ACCOUNT.A.> 1\r\nSUB _INBOX.sys.* 2\r\nPING\r\n");
  sys->read_until("PONG\r\nPONG\r\n");
  {
    auto a = login(s.port(), "a");
    a->send("SUB foo 1\r\nPUB foo 2\r\nhi\r\nSUB _INBOX.a.* 2\r\nPING\r\n");
    wait_messages(*a, 1);    // its own foo
    wait_messages(*sys, 2);  // CONNS, CONNECT
    a->send("PUB $SYS.REQ.SERVER.PING.CONNZ _INBOX.a.connz 0\r\n\r\n");
    EXPECT_EQ(wait_messages(*a, 2).size(), 2u);  // its own foo, and its account's CONNZ
    a->send("UNSUB 1\r\nUNSUB 2\r\n");
  }
  wait_messages(*sys, 4);  // DISCONNECT, CONNS
  const size_t events = messages(sys->received()).size();
  for (const char* request :
       {"$SYS.REQ.SERVER.PING", "$SYS.REQ.SERVER.PING.HEALTHZ", "$SYS.REQ.ACCOUNT.A.INFO",
        "$SYS.REQ.ACCOUNT.PING.STATZ", "$SYS.REQ.SERVER.PING.SUBSZ", "$SYS.REQ.ACCOUNT.A.JSZ"}) {
    const size_t before = messages(sys->received()).size();
    sys->send(std::string{"PUB "} + request + " _INBOX.sys.r 0\r\n\r\n");
    EXPECT_EQ(wait_messages(*sys, before + 1).size(), before + 1) << request;
  }
  std::vector<std::string> out;
  const auto all = messages(sys->received());
  for (size_t i = 0; i < all.size(); ++i)
    out.push_back((i < events ? all[i].subject : "reply") + " " +
                  shape(json::parse(all[i].payload)).dump());
  return out;
}

TEST(SystemAccountE2E, EventsAndRepliesHaveNatsServersShape) {
  const auto theirs = transcript(nats_server_binary());
  const auto ours = transcript(gnatsd_binary());
  auto text = [](const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
      out += l + "\n";
    return out;
  };
  EXPECT_EQ(theirs.size(), 10u) << text(theirs);  // four events, six replies
  ASSERT_EQ(ours.size(), theirs.size()) << "ours:\n" << text(ours) << "theirs:\n" << text(theirs);
  for (size_t i = 0; i < ours.size(); ++i)
    EXPECT_EQ(ours[i], theirs[i]) << "message " << i;
}

// Three servers, two of them gnatsd: a PING sent to any of them is answered by all three,
// each naming itself; a server-directed request is answered by that server only.
TEST(SystemAccountE2E, APingIsAnsweredByEveryServerOfAMixedCluster) {
  const int c1 = free_port(), c2 = free_port(), c3 = free_port();
  const int r1 = free_port(), r2 = free_port(), r3 = free_port();
  auto cluster = [&](int listen) {
    return "cluster { name: sys, listen: 127.0.0.1:" + std::to_string(listen) +
           ", routes: [nats://127.0.0.1:" + std::to_string(r3) + "] }\n";
  };
  server_process theirs{
      nats_server_binary(),
      {"-c", write_config("sys_mixed_ns.conf", system_config(c3, "theirs", cluster(r3)))}};
  server_process one{
      gnatsd_binary(),
      {"-c", write_config("sys_mixed_1.conf", system_config(c1, "one", cluster(r1)))}};
  server_process two{
      gnatsd_binary(),
      {"-c", write_config("sys_mixed_2.conf", system_config(c2, "two", cluster(r2)))}};
  for (const auto* s : {&one, &two, &theirs}) {
    auto sys = login(s->port(), "sys");
    sys->send("SUB _INBOX.ping.* 1\r\n");
    // Interest crosses the routes asynchronously: ask until all three answer one PING.
    std::set<std::string> names;
    for (int round = 0; round < 50 && names.size() < 3; ++round) {
      const size_t before = messages(sys->received()).size();
      const std::string inbox = "_INBOX.ping." + std::to_string(round);
      sys->send("PUB $SYS.REQ.SERVER.PING " + inbox + " 0\r\n\r\n");
      names.clear();
      for (const auto& m : wait_messages(*sys, before + 3, std::chrono::seconds{1})) {
        if (m.subject != inbox) continue;
        const auto j = json::parse(m.payload);
        EXPECT_TRUE(j.contains("statsz")) << m.payload;
        names.insert(j["server"]["name"].get<std::string>());
      }
    }
    EXPECT_EQ(names, (std::set<std::string>{"one", "two", "theirs"})) << "asked " << s->port();
  }
  // `$SYS.REQ.SERVER.<id>.VARZ`, sent to another server: only that one answers.
  auto sys = login(one.port(), "sys");
  sys->send("SUB _INBOX.varz.* 1\r\n");
  // This client's inbox reaches the other servers asynchronously: ask until two answers.
  std::string two_id;
  for (int round = 0; round < 50 && two_id.empty(); ++round) {
    const size_t before = messages(sys->received()).size();
    sys->send("PUB $SYS.REQ.SERVER.PING.VARZ _INBOX.varz." + std::to_string(round) + " 0\r\n\r\n");
    for (const auto& m : wait_messages(*sys, before + 3, std::chrono::seconds{1}))
      if (json::parse(m.payload)["server"]["name"] == "two")
        two_id = json::parse(m.payload)["server"]["id"];
  }
  ASSERT_FALSE(two_id.empty());
  auto direct = [&] {
    std::vector<std::string> names;
    for (const auto& m : messages(sys->received()))
      if (m.subject == "_INBOX.varz.direct")
        names.push_back(json::parse(m.payload)["data"]["server_name"].get<std::string>());
    return names;
  };
  sys->send("PUB $SYS.REQ.SERVER." + two_id + ".VARZ _INBOX.varz.direct 0\r\n\r\n");
  for (int i = 0; i < 100 && direct().empty(); ++i)
    sys->read_some(50);
  for (int i = 0; i < 20; ++i)  // a second of any other answer
    sys->read_some(50);
  EXPECT_EQ(direct(), std::vector<std::string>{"two"});  // that server, and nobody else
}

// A shutdown is announced: the other servers hear `$SYS.SERVER.<id>.SHUTDOWN` before the
// route closes.
TEST(SystemAccountE2E, AServerThatStopsAnnouncesItsShutdownToTheCluster) {
  const int c1 = free_port(), c2 = free_port(), r1 = free_port(), r2 = free_port();
  server_process one{
      gnatsd_binary(),
      {"-c", write_config("sys_down_1.conf", system_config(c1, "one",
                                                           "cluster { name: d, listen: 127.0.0.1:" +
                                                               std::to_string(r1) + " }\n"))}};
  auto two = std::make_unique<server_process>(
      gnatsd_binary(),
      std::vector<std::string>{
          "-c",
          write_config(
              "sys_down_2.conf",
              system_config(c2, "two",
                            "cluster { name: d, listen: 127.0.0.1:" + std::to_string(r2) +
                                ", routes: [nats://127.0.0.1:" + std::to_string(r1) + "] }\n"))});
  auto sys = login(one.port(), "sys");
  sys->send("SUB $SYS.SERVER.*.SHUTDOWN 1\r\nSUB $SYS.SERVER.*.STATSZ 2\r\nPING\r\n");
  // Two's heartbeat reaching one shows the route carries two's system traffic.
  bool heard_two = false;
  for (int i = 0; i < 200 && !heard_two; ++i) {
    sys->read_some(50);
    for (const auto& m : messages(sys->received()))
      heard_two = heard_two || json::parse(m.payload)["server"]["name"] == "two";
  }
  ASSERT_TRUE(heard_two);
  two->stop(SIGINT);
  bool shutdown = false;
  for (int i = 0; i < 100 && !shutdown; ++i) {
    sys->read_some(50);
    for (const auto& m : messages(sys->received()))
      shutdown = shutdown || (m.subject.find(".SHUTDOWN") != std::string::npos &&
                              json::parse(m.payload)["name"] == "two");
  }
  EXPECT_TRUE(shutdown) << sys->received();
}

}  // namespace
}  // namespace gnatsd::testing
