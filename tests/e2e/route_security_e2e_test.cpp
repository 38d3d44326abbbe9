// End-to-end tests of the cluster port facing hostile, stuck and slow peers (the real gnatsd
// binary, raw sockets as the attacker, Debian's nats-server as the reference): nobody reads or
// injects before authenticating, every route operation gets nats-server's reply, no
// credential leaves the server, and a peer that does not read costs its own connection only.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"
#include "../support/server_process.hpp"
#include "../support/text.hpp"

namespace gnatsd::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* route_password = "Rp4ss-n0t-in-any-output";
constexpr const char* client_password = "Al1ce-n0t-in-any-output";
constexpr const char* client_token = "T0ken-n0t-in-any-output";
constexpr const char* wrong_password = "Wr0ng-n0t-in-any-output";

std::string good_connect(const std::string& id) {
  return "CONNECT {\"echo\":true,\"verbose\":false,\"pedantic\":false,\"user\":\"ruser\","
         "\"pass\":\"" +
         std::string{route_password} + "\",\"tls_required\":false,\"headers\":true,\"name\":\"" +
         id + "\",\"cluster\":\"c1\"}\r\n";
}

std::string peer_info(const std::string& id) {
  return "INFO {\"server_id\":\"" + id +
         "\",\"server_name\":\"peer\",\"version\":\"2.9.10\",\"proto\":1,\"host\":\"127.0.0.1\","
         "\"port\":1,\"headers\":true,\"max_payload\":1048576,\"cluster\":\"c1\"}\r\n";
}

// A server on loopback with a cluster named c1 (and route authorization unless `open`).
struct cluster_node {
  int client = free_port(), route = free_port(), http = free_port();
  std::string conf(const std::string& extra = {}, bool open = false) const {
    std::ostringstream c;
    c << "listen: 127.0.0.1:" << client << "\nhttp: 127.0.0.1:" << http
      << "\ncluster {\n  name: c1\n  listen: 127.0.0.1:" << route << "\n";
    if (!open)
      c << "  authorization { user: ruser, password: \"" << route_password << "\", timeout: 1 }\n";
    c << extra << "}\n";
    return c.str();
  }
};

// -- transcripts --------------------------------------------------------------------------------

// What a server answers to each transcript: every connection is opened at once, sent its
// bytes, and read until the server closes it or it stays quiet. Lines that differ between the
// servers by design are dropped: INFO (ids, ports), PING (timing), and nats-server's system
// account interest (RS+ $SYS ...), which gnatsd, without accounts yet, does not have.
std::vector<std::string> replies(int port, const std::vector<std::string>& transcripts) {
  std::vector<std::unique_ptr<raw_client>> peers;
  for (const auto& t : transcripts) {
    peers.push_back(std::make_unique<raw_client>(port));
    peers.back()->read_until("\r\n", 5s);  // the INFO comes first, before anything is read
    peers.back()->send(t);
  }
  // Long enough for the auth timeout (1 s) of the transcripts that never authenticate, with
  // room for a loaded machine (the sanitizer builds).
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < until) {
    bool open = false;
    for (auto& p : peers)
      if (!p->closed()) {
        p->read_some(5);
        open = true;
      }
    if (!open) break;
  }
  std::vector<std::string> out;
  for (auto& p : peers) {
    std::string kept;
    std::istringstream lines{p->received()};
    for (std::string l; std::getline(lines, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      if (l.rfind("INFO ", 0) == 0 || l == "PING" || l.rfind("RS+ $SYS ", 0) == 0) continue;
      kept += l + "|";
    }
    out.push_back(kept + (p->closed() ? "<closed>" : "<open>"));
  }
  return out;
}

// Every operation nats-server's parser knows on a route, well formed and not, and a few it
// does not know.
std::vector<std::pair<std::string, std::string>> route_operations(const std::string& id) {
  return {
      {"PING", "PING\r\n"},
      {"PONG", "PONG\r\n"},
      {"INFO", peer_info(id)},
      {"INFO without id", "INFO {}\r\n"},
      {"RS+", "RS+ $G foo\r\n"},
      {"RS+ queue", "RS+ $G foo q 2\r\n"},
      {"RS+ bad weight", "RS+ $G foo q x\r\n"},
      {"RS+ short", "RS+ $G\r\n"},
      {"RS-", "RS- $G foo\r\n"},
      {"RMSG", "RMSG $G foo 2\r\nhi\r\n"},
      {"RMSG reply queues", "RMSG $G foo + r q1 q2 2\r\nhi\r\n"},
      {"RMSG queues", "RMSG $G foo | q1 2\r\nhi\r\n"},
      {"RMSG bad size", "RMSG $G foo x\r\n"},
      {"RMSG short payload", "RMSG $G foo 5\r\nhi\r\n"},
      {"HMSG", "HMSG $G foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"},
      {"LS+", "LS+ X $G foo\r\n"},
      {"LS-", "LS- $G foo\r\n"},
      {"LMSG", "LMSG X $G foo 0 2\r\nhi\r\n"},
      {"SUB", "SUB foo 1\r\n"},
      {"UNSUB", "UNSUB $G foo\r\n"},
      {"PUB", "PUB foo 2\r\nhi\r\n"},
      {"A+", "A+ $G\r\n"},
      {"A-", "A- $G\r\n"},
      {"+OK", "+OK\r\n"},
      {"-ERR", "-ERR 'boom'\r\n"},
      {"MSG", "MSG foo 1 2\r\nhi\r\n"},
      {"garbage", "XYZ\r\n"},
      {"empty line", "\r\n"},
      {"client CONNECT", "CONNECT {\"lang\":\"go\",\"verbose\":false}\r\n"},
      {"gateway CONNECT", "CONNECT {\"gateway\":\"g\"}\r\n"},
      {"bad JSON", "CONNECT {bad\r\n"},
  };
}

// Runs `transcripts` (name, bytes) against nats-server and gnatsd configured alike and
// reports every transcript whose replies differ.
void expect_same_replies(const std::string& conf_text_ns, const std::string& conf_text_g,
                         const std::vector<std::pair<std::string, std::string>>& transcripts,
                         int ns_route, int g_route) {
  server_process ns{nats_server_binary(), {"-c", write_config("ref.conf", conf_text_ns)}};
  server_process g{gnatsd_binary(), {"-c", write_config("ours.conf", conf_text_g)}};
  std::vector<std::string> bytes;
  for (const auto& t : transcripts)
    bytes.push_back(t.second);
  const auto a = replies(ns_route, bytes), b = replies(g_route, bytes);
  for (size_t i = 0; i < transcripts.size(); ++i)
    EXPECT_EQ(b[i], a[i]) << "transcript \"" << transcripts[i].first
                          << "\": " << ::testing::PrintToString(transcripts[i].second);
}

TEST(RouteSecurityE2E, EveryRouteOperationInEveryOrderGetsNatsServersReplyWithAuthorization) {
  cluster_node ref, ours;
  std::vector<std::pair<std::string, std::string>> cases;
  int n = 0;
  for (const auto& [name, op] : route_operations("")) {
    // Each route gets its own server id, so that no two register as duplicates.
    const std::string id = "NPEER" + std::to_string(++n);
    const std::string bytes = name == "INFO" ? peer_info(id) : op;
    cases.push_back({name + " first", bytes + "PING\r\n"});
    cases.push_back({"CONNECT, then " + name, good_connect(id) + bytes + "PING\r\n"});
    cases.push_back({name + ", then CONNECT", bytes + good_connect(id) + "PING\r\n"});
  }
  cases.push_back({"wrong password", "CONNECT {\"user\":\"ruser\",\"pass\":\"nope\"}\r\nPING\r\n"});
  cases.push_back({"no user", "CONNECT {\"verbose\":false}\r\nPING\r\n"});
  cases.push_back({"half a CONNECT, then silence", "CONN"});
  cases.push_back({"silence", ""});
  expect_same_replies(ref.conf(), ours.conf(), cases, ref.route, ours.route);
}

TEST(RouteSecurityE2E, EveryRouteOperationGetsNatsServersReplyWithoutAuthorization) {
  cluster_node ref, ours;
  std::vector<std::pair<std::string, std::string>> cases;
  int n = 0;
  for (const auto& [name, op] : route_operations(""))
    cases.push_back(
        {name, (name == "INFO" ? peer_info("NOPEN" + std::to_string(++n)) : op) + "PING\r\n"});
  expect_same_replies(ref.conf({}, true), ours.conf({}, true), cases, ref.route, ours.route);
}

// -- nothing before authentication ----------------------------------------------------------------

TEST(RouteSecurityE2E, AnUnauthenticatedPeerNeitherReceivesNorInjectsAMessage) {
  cluster_node node;
  server_process g{gnatsd_binary(), {"-c", write_config("auth.conf", node.conf()), "-D"}};
  auto client = connect(g);
  auto injected = subscribe(client.get(), "inj");
  natsConnection_FlushTimeout(client.get(), 5000);
  // The attackers of the issue: interest and PING, an injected message, a wrong password.
  raw_client wants_all{node.route}, injects{node.route}, guesses{node.route};
  wants_all.send("RS+ $G >\r\nPING\r\n");
  injects.send("RMSG $G inj 8\r\ninjected\r\n");
  guesses.send("CONNECT {\"user\":\"ruser\",\"pass\":\"guess\"}\r\nRS+ $G >\r\nPING\r\n");
  for (int i = 0; i < 20; ++i)
    natsConnection_PublishString(client.get(), "secret.data", "secret");
  natsConnection_FlushTimeout(client.get(), 5000);
  for (auto* a : {&wants_all, &injects, &guesses}) {
    EXPECT_TRUE(a->wait_closed());
    EXPECT_NE(a->received().find("-ERR 'Authorization Violation'\r\n"), std::string::npos);
    EXPECT_EQ(a->received().find("secret"), std::string::npos) << a->received();
    EXPECT_EQ(a->received().find("PONG"), std::string::npos) << a->received();
  }
  EXPECT_EQ(drain(injected.get(), 300), 0) << "an unauthenticated peer injected a message";
  EXPECT_TRUE(g.wait_for_log("- authentication error"));
  EXPECT_TRUE(g.wait_for_log("Route connection closed: Authentication Failure"));
  EXPECT_EQ(g.log().find("Registering remote route"), std::string::npos) << g.log();

  // The same operations after the right CONNECT do reach the peer: the check above can fail.
  raw_client member{node.route};
  member.send(good_connect("NMEMBER") + peer_info("NMEMBER") + "RS+ $G >\r\nPING\r\n");
  member.read_until("PONG", 5s);
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NMEMBER\""));
  natsConnection_PublishString(client.get(), "secret.data", "secret");
  natsConnection_FlushTimeout(client.get(), 5000);
  EXPECT_NE(member.read_until("secret", 5s).find("RMSG $G secret.data 6\r\nsecret\r\n"),
            std::string::npos);
}

TEST(RouteSecurityE2E, APeerThatNeverAuthenticatesIsClosedAtTheClusterAuthTimeout) {
  cluster_node node;
  server_process g{gnatsd_binary(), {"-c", write_config("timeout.conf", node.conf()), "-D"}};
  raw_client silent{node.route};
  EXPECT_TRUE(silent.wait_closed(10s));
  EXPECT_NE(silent.received().find("-ERR 'Authentication Timeout'\r\n"), std::string::npos)
      << silent.received();
  EXPECT_TRUE(g.wait_for_log("- Authentication Timeout"));
  EXPECT_TRUE(g.wait_for_log("Route connection closed: Authentication Timeout"));
}

TEST(RouteSecurityE2E, RoutesLearnedByGossipAuthenticateWithTheClusterCredentials) {
  // A and C know only B; A learns C from B's gossip and must log in to C with its own
  // cluster user, as nats-server does, or the mesh never closes.
  cluster_node a, b, c;
  const std::string to_b = "  routes: [\"nats://ruser:" + std::string{route_password} +
                           "@127.0.0.1:" + std::to_string(b.route) + "\"]\n";
  server_process sb{gnatsd_binary(), {"-c", write_config("g_b.conf", b.conf()), "-D"}};
  server_process sa{gnatsd_binary(), {"-c", write_config("g_a.conf", a.conf(to_b)), "-D"}};
  server_process sc{gnatsd_binary(), {"-c", write_config("g_c.conf", c.conf(to_b)), "-D"}};
  EXPECT_TRUE(wait_mesh({&sa, &sb, &sc})) << sa.log() << sc.log();
  EXPECT_EQ(sa.log().find("authentication error"), std::string::npos) << sa.log();
  EXPECT_EQ(sc.log().find("authentication error"), std::string::npos) << sc.log();
}

// -- no credential in any output ----------------------------------------------------------------

TEST(RouteSecurityE2E, NoCredentialReachesALogATraceAMonitoringPageOrThePortsFile) {
  cluster_node a, b;
  const std::string dir = "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_ports";
  ::mkdir(dir.c_str(), 0755);
  const std::string clients =
      "authorization { user: alice, password: \"" + std::string{client_password} + "\" }\n";
  // B solicits A with credentials, and itself (nats-server logs that URL redacted).
  const std::string routes = "  routes: [\"nats://ruser:" + std::string{route_password} +
                             "@127.0.0.1:" + std::to_string(a.route) +
                             "\", \"nats://ruser:" + route_password +
                             "@127.0.0.1:" + std::to_string(b.route) + "\"]\n";
  server_process sa{gnatsd_binary(),
                    {"-c", write_config("cred_a.conf", clients + a.conf()), "-DV"}};
  server_process sb{gnatsd_binary(),
                    {"-c", write_config("cred_b.conf", clients + b.conf(routes)), "-DV",
                     "--ports_file_dir", dir}};
  ASSERT_TRUE(wait_mesh({&sa, &sb}));
  ASSERT_TRUE(sb.wait_for_log("Detected route to self"));
  // A client logs in and traffic crosses the route, so that every trace line is written.
  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  natsOptions_SetURL(opts, ("nats://127.0.0.1:" + std::to_string(a.client)).c_str());
  natsOptions_SetUserInfo(opts, "alice", client_password);
  natsConnection* raw = nullptr;
  ASSERT_EQ(natsConnection_Connect(&raw, opts), NATS_OK);
  natsOptions_Destroy(opts);
  conn_ptr nc{raw};
  auto sub = subscribe(nc.get(), "cred.check");
  natsConnection_PublishString(nc.get(), "cred.check", "x");
  natsConnection_FlushTimeout(nc.get(), 5000);
  ASSERT_NE(next(sub.get()), nullptr);

  // A login that fails (its password must not be logged either), and a server with a token.
  raw_client wrong{a.client};
  wrong.send("CONNECT {\"user\":\"alice\",\"pass\":\"" + std::string{wrong_password} +
             "\"}\r\nPING\r\n");
  EXPECT_TRUE(wrong.wait_closed());
  cluster_node c;
  server_process sc{
      gnatsd_binary(),
      {"-c",
       write_config("cred_c.conf",
                    "authorization { token: \"" + std::string{client_token} + "\" }\n" + c.conf()),
       "-DV"}};
  raw_client with_token{c.client};
  with_token.send("CONNECT {\"verbose\":false,\"auth_token\":\"" + std::string{client_token} +
                  "\"}\r\nSUB t 1\r\nPING\r\n");
  EXPECT_NE(with_token.read_until("PONG", 5s).find("PONG"), std::string::npos);
  ASSERT_TRUE(sc.wait_for_log("\"auth_token\":\"[REDACTED]\""));

  std::vector<std::pair<std::string, std::string>> outputs = {{"A's log", sa.log()},
                                                              {"A's output", sa.output()},
                                                              {"B's log", sb.log()},
                                                              {"B's output", sb.output()},
                                                              {"C's log", sc.log()}};
  for (const auto* node : {&a, &b, &c})
    for (const std::string path : {"/varz", "/routez?subs=1", "/connz?auth=1&subs=1",
                                   "/connz?state=all&auth=1", "/subsz?subs=1", "/healthz"})
      outputs.push_back({path, http_get(node->http, path)});
  std::ifstream ports{dir + "/gnatsd_" + std::to_string(sb.pid()) + ".ports"};
  outputs.push_back({"ports file", std::string{std::istreambuf_iterator<char>{ports}, {}}});
  for (const auto& [where, text] : outputs) {
    EXPECT_FALSE(text.empty()) << where;
    EXPECT_EQ(text.find(route_password), std::string::npos) << where << ":\n" << text;
    EXPECT_EQ(text.find(client_password), std::string::npos) << where << ":\n" << text;
    EXPECT_EQ(text.find(client_token), std::string::npos) << where << ":\n" << text;
    EXPECT_EQ(text.find(wrong_password), std::string::npos) << where << ":\n" << text;
  }
  // The paths that carry credentials did run: redacted, not skipped.
  EXPECT_TRUE(sa.wait_for_log("\"pass\":\"[REDACTED]\""));
  EXPECT_TRUE(sb.wait_for_log("ruser:xxxxx@127.0.0.1"));
  EXPECT_NE(http_get(b.http, "/varz").find("\"127.0.0.1:" + std::to_string(a.route) + "\""),
            std::string::npos);
}

// -- peers that do not read -----------------------------------------------------------------------

// A connection that publishes one frame over and over from its own thread until stopped
// (the server holding it back blocks its writes, which is what the tests look at).
class flooder {
 public:
  flooder(int port, const std::string& frame) : fd_(connect_loopback(port)) {
    std::string batch = "CONNECT {\"verbose\":false}\r\n";
    while (batch.size() < 64 * 1024)
      batch += frame;
    thread_ = std::thread{[this, batch] {
      while (!stop_) {
        size_t off = 0;
        while (off < batch.size() && !stop_) {
          const ssize_t n = ::send(fd_, batch.data() + off, batch.size() - off, MSG_NOSIGNAL);
          if (n <= 0) return;
          off += static_cast<size_t>(n);
          sent_ += static_cast<uint64_t>(n);
        }
      }
    }};
  }
  ~flooder() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  uint64_t sent() const { return sent_; }

 private:
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

long json_number(const std::string& text, const std::string& key) {
  const auto at = text.find("\"" + key + "\": ");
  return at == std::string::npos ? -1 : std::atol(text.c_str() + at + key.size() + 4);
}

// A route peer that completes the handshake, asks for every subject and reads nothing more.
std::unique_ptr<raw_client> stuck_route_peer(int route_port, const std::string& id) {
  auto peer = std::make_unique<raw_client>(route_port, 4096);
  peer->send(good_connect(id) + peer_info(id) + "RS+ $G >\r\nPING\r\n");
  peer->read_until("PONG", 5s);
  return peer;
}

constexpr int64_t max_pending = 8 * 1024 * 1024;

TEST(RouteSecurityE2E, AStuckRoutePeerHoldsPublishersBackWithinMaxPendingAndIsDropped) {
  cluster_node node;
  const std::string limits =
      "max_pending: " + std::to_string(max_pending) + "\nwrite_deadline: \"2s\"\n";
  server_process g{gnatsd_binary(), {"-c", write_config("stuck.conf", limits + node.conf()), "-D"}};
  auto peer = stuck_route_peer(node.route, "NSTUCK");
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NSTUCK\""));
  flooder publisher{node.client, "PUB flood 1024\r\n" + std::string(1024, 'x') + "\r\n"};
  // While the route is stuck its pending bytes stay bounded; the peer took nothing, so once
  // the write deadline passes it is logged as a slow consumer and closed (nats-server's rule).
  long most = 0;
  bool closed = false;
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (!closed && std::chrono::steady_clock::now() < until) {
    const std::string routez = http_get(node.http, "/routez");
    most = std::max(most, json_number(routez, "pending_size"));
    closed = json_number(routez, "num_routes") == 0;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(closed) << g.log();
  EXPECT_GT(most, 0);
  EXPECT_LE(most, max_pending) << "the stuck route grew past max_pending";
  EXPECT_TRUE(g.wait_for_log("Slow Consumer Detected: WriteDeadline of 2s exceeded with "));
  EXPECT_TRUE(g.wait_for_log("Route connection closed: Slow Consumer (Write Deadline)"));
  // With the stuck route gone the publisher is free again.
  const uint64_t before = publisher.sent();
  const auto later = std::chrono::steady_clock::now() + 30s;
  while (publisher.sent() < before + 10 * max_pending && std::chrono::steady_clock::now() < later)
    std::this_thread::sleep_for(20ms);
  EXPECT_GE(publisher.sent(), before + 10 * max_pending);
}

TEST(RouteSecurityE2E, ASlowRoutePeerThatKeepsReadingIsLoggedAndKept) {
  cluster_node node;
  const std::string limits =
      "max_pending: " + std::to_string(max_pending) + "\nwrite_deadline: \"1s\"\n";
  server_process g{gnatsd_binary(), {"-c", write_config("slow.conf", limits + node.conf()), "-D"}};
  auto peer = stuck_route_peer(node.route, "NSLOW");
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NSLOW\""));
  flooder publisher{node.client, "PUB flood 1024\r\n" + std::string(1024, 'x') + "\r\n"};
  // The peer reads a little now and then, on its own thread: never enough, never nothing.
  std::atomic<bool> done{false};
  std::thread reader{[&] {
    while (!done) {
      peer->read_some(1);
      std::this_thread::sleep_for(20ms);
    }
  }};
  long most = 0;
  const auto until = std::chrono::steady_clock::now() + 8s;
  while (std::chrono::steady_clock::now() < until) {
    const std::string routez = http_get(node.http, "/routez");
    most = std::max(most, json_number(routez, "pending_size"));
    if (json_number(routez, "num_routes") != 1) break;
    std::this_thread::sleep_for(100ms);
  }
  done = true;
  reader.join();
  EXPECT_EQ(json_number(http_get(node.http, "/routez"), "num_routes"), 1) << g.log();
  EXPECT_TRUE(g.wait_for_log("Slow Consumer Detected: WriteDeadline of 1s exceeded with "));
  EXPECT_EQ(g.log().find("Route connection closed"), std::string::npos) << g.log();
  EXPECT_LE(most, max_pending);
}

TEST(RouteSecurityE2E, ARoutePeerThatSendsButNeverAnswersPingsIsFoundStale) {
  cluster_node node;
  server_process g{
      gnatsd_binary(),
      {"-c", write_config("stale.conf", "ping_interval: \"200ms\"\nping_max: 1\n" + node.conf()),
       "-D"}};
  raw_client peer{node.route};
  peer.send(good_connect("NCHATTY") + peer_info("NCHATTY"));
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NCHATTY\""));
  // Interest changes keep arriving; not one PONG.
  for (int i = 0; i < 400 && !g.wait_for_log("Stale Route Connection", 10ms); ++i)
    peer.send("RS+ $G chatter." + std::to_string(i) + "\r\n");
  EXPECT_TRUE(g.wait_for_log("Stale Route Connection")) << g.log();
}

TEST(RouteSecurityE2E, AClientThatOnlyPublishesAndNeverAnswersPingsIsFoundStale) {
  cluster_node node;
  server_process g{
      gnatsd_binary(),
      {"-c",
       write_config("stale_client.conf", "ping_interval: \"200ms\"\nping_max: 1\n" + node.conf()),
       "-D"}};
  raw_client c{node.client};
  c.send("CONNECT {\"verbose\":false}\r\n");
  for (int i = 0; i < 400 && !g.wait_for_log("Stale Connection", 10ms); ++i)
    c.send("PUB busy 1\r\nx\r\n");
  EXPECT_TRUE(g.wait_for_log("Client connection closed: Stale Connection")) << g.log();
}

TEST(RouteSecurityE2E, PeersThatAskForRepliesAndNeverReadThemAreCutAtMaxPending) {
  cluster_node node;
  server_process g{
      gnatsd_binary(),
      {"-c", write_config("pings.conf", "max_pending: 65536\nmax_payload: 65536\n" + node.conf()),
       "-D"}};
  std::string pings;
  for (int i = 0; i < 100'000; ++i)
    pings += "PING\r\n";
  // A client and a route peer: each sends PINGs for far more PONGs than max_pending (and the
  // socket buffers) hold, and reads none.
  raw_client client{node.client, 4096};
  client.send("CONNECT {\"verbose\":false,\"name\":\"pinger\"}\r\n");
  raw_client route{node.route, 4096};
  route.send(good_connect("NPINGER") + peer_info("NPINGER"));
  ASSERT_TRUE(g.wait_for_log("Registering remote route \"NPINGER\""));
  std::thread flood_client{[&] {
    for (int i = 0; i < 40; ++i)
      client.send(pings);
  }};
  for (int i = 0; i < 40; ++i)
    route.send(pings);
  flood_client.join();
  EXPECT_TRUE(g.wait_for_log("- Slow Consumer Detected: MaxPending of 65536 Exceeded", 30s));
  EXPECT_TRUE(g.wait_for_log("Client connection closed: Slow Consumer (Pending Bytes)", 30s));
  EXPECT_TRUE(g.wait_for_log("Route connection closed: Slow Consumer (Pending Bytes)", 30s))
      << g.log();
  EXPECT_NE(http_get(node.http, "/connz?state=closed").find("Slow Consumer (Pending Bytes)"),
            std::string::npos);
}

// -- close reasons --------------------------------------------------------------------------------

TEST(RouteSecurityE2E, ClosedClientsRecordNatsServersReasons) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"control-line", "SUB " + std::string(5000, 'a') + " 1\r\n"},
      {"payload", "PUB foo 2000000\r\n"},
      {"unknown-op", "XYZ\r\n"},
      {"bad-protocol", ""},
      {"no-responders", ""},
      {"pub-arguments", "PUB foo\r\n"},
      {"client-closed", "PING\r\n"},  // read the PONG, then close with nothing unread
  };
  auto reasons = [&](const server_process& s, int http) {
    for (const auto& [name, bytes] : cases) {
      std::string connect = "CONNECT {\"verbose\":false,\"name\":\"" + name + "\"";
      if (name == "bad-protocol") connect += ",\"protocol\":5";
      if (name == "no-responders") connect += ",\"no_responders\":true";
      raw_client c{s.port()};
      c.send(connect + "}\r\n" + bytes);
      if (name == "client-closed")
        c.read_until("PONG\r\n");  // a close with unread bytes would be a reset (Read Error)
      else
        c.wait_closed();
    }
    std::map<std::string, std::string> out;
    for (int i = 0; i < 200 && out.size() < cases.size(); ++i) {
      out.clear();
      const auto closed =
          nlohmann::json::parse(http_get(http, "/connz?state=closed"), nullptr, false);
      if (closed.is_object())
        for (const auto& c : closed["connections"])
          if (c.contains("name") && c.contains("reason"))
            out[c["name"].get<std::string>()] = c["reason"].get<std::string>();
      std::this_thread::sleep_for(20ms);
    }
    return out;
  };
  cluster_node ref, ours;
  server_process ns{
      nats_server_binary(),
      {"-a", "127.0.0.1", "-p", std::to_string(ref.client), "-m", std::to_string(ref.http)}};
  server_process g{
      gnatsd_binary(),
      {"-a", "127.0.0.1", "-p", std::to_string(ours.client), "-m", std::to_string(ours.http)}};
  const auto expected = reasons(ns, ref.http);
  EXPECT_EQ(expected.size(), cases.size());
  EXPECT_EQ(expected.at("control-line"), "Maximum Control Line Exceeded");
  EXPECT_EQ(reasons(g, ours.http), expected);
}

}  // namespace
}  // namespace gnatsd::testing
