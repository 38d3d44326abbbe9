// End-to-end tests of running gnatsd in production: lame duck mode in a three-server
// cluster, `--signal`, the ports file and the PID file.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"
#include "../support/run_command.hpp"

namespace gnatsd::testing {
namespace {

conn_ptr connect_as(const server_process& s, const char* user, const char* pass) {
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetUserInfo(raw, user, pass);
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, raw);
  EXPECT_EQ(st, NATS_OK) << natsStatus_GetText(st);
  return conn_ptr{nc};
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `gnatsd <args>` to completion; returns its exit code and what it printed.
int run_gnatsd(const std::string& args, std::string& output) {
  auto r = gnatsd::testing::run_gnatsd(args);
  output = r.output;
  return r.code;
}

struct three_servers {
  int client[3], route[3], http[3];
  std::string conf;
  three_servers() {
    for (int i = 0; i < 3; ++i) {
      client[i] = free_port();
      route[i] = free_port();
      http[i] = free_port();
    }
    conf =
        write_config("ldm.conf", "lame_duck_grace_period: \"1s\"\nlame_duck_duration: \"30s\"\n");
  }
  std::vector<std::string> args(int i) const {
    std::vector<std::string> a = {"-c",
                                  conf,
                                  "-a",
                                  "127.0.0.1",
                                  "-p",
                                  std::to_string(client[i]),
                                  "-cluster",
                                  "nats://127.0.0.1:" + std::to_string(route[i]),
                                  "-D",
                                  "-m",
                                  std::to_string(http[i])};
    if (i > 0) {
      a.push_back("-routes");
      a.push_back("nats://127.0.0.1:" + std::to_string(route[0]));
    }
    return a;
  }
  std::string url(int i) const { return "127.0.0.1:" + std::to_string(client[i]); }
};

TEST(OperationsE2E, LameDuckMovesClientsToTheOtherServersWithoutLosingMessages) {
  three_servers p;
  server_process a{gnatsd_binary(), p.args(0)};
  server_process b{gnatsd_binary(), p.args(1)};
  server_process c{gnatsd_binary(), p.args(2)};
  ASSERT_TRUE(wait_mesh({&a, &b, &c})) << a.log();

  // A subscriber on B that stays; a publisher given only A, which learns B and C from
  // connect_urls and moves there when A closes it.
  auto sub_conn = connect(b);
  auto sub = subscribe(sub_conn.get(), "orders");
  natsConnection_FlushTimeout(sub_conn.get(), 5000);
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, ("nats://" + p.url(0)).c_str());
  natsOptions_SetMaxReconnect(raw, 60);
  natsOptions_SetReconnectWait(raw, 50);
  natsConnection* pub_raw = nullptr;
  ASSERT_EQ(natsConnection_Connect(&pub_raw, raw), NATS_OK);
  conn_ptr pub{pub_raw};
  // A protocol-1 client of A and one of B watch the INFOs.
  raw_client watch_a{a.port()}, watch_b{b.port()};
  watch_a.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n");
  watch_b.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n");
  watch_a.read_until("PONG");
  watch_b.read_until("PONG");
  // Interest from B must have reached A before the count starts.
  wait_for_interest(pub.get(), sub.get(), "orders");
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  // Each message carries a sequence number; it counts as confirmed once a flush after it
  // succeeded (the server it went to has processed it). Every confirmed message must reach
  // the subscriber on B, exactly once.
  std::atomic<bool> publishing{true};
  std::atomic<size_t> confirmed_count{0};
  std::vector<int> confirmed;  // the publisher's; read after it has joined
  std::thread publisher{[&] {
    for (int seq = 0; publishing; ++seq) {
      natsConnection_PublishString(pub.get(), "orders", std::to_string(seq).c_str());
      if (natsConnection_FlushTimeout(pub.get(), 1000) == NATS_OK) {
        confirmed.push_back(seq);
        ++confirmed_count;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
  }};
  // Some confirmed traffic before A enters lame duck mode, and some after the move.
  auto confirmed_more = [&](size_t more) {
    const size_t target = confirmed_count + more;
    for (int i = 0; i < 1500 && confirmed_count < target; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    return confirmed_count >= target;
  };
  ASSERT_TRUE(confirmed_more(25));
  const size_t confirmed_before_ldm = confirmed_count;
  ::kill(a.pid(), SIGUSR2);
  EXPECT_EQ(a.stop(0, std::chrono::seconds{30}), 0) << a.log();  // A exits by itself, status 0
  // The publisher is now on B or C.
  for (int i = 0; i < 200 && natsConnection_Status(pub.get()) != NATS_CONN_STATUS_CONNECTED; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  EXPECT_TRUE(confirmed_more(25)) << "no confirmed message after the move";
  publishing = false;
  publisher.join();
  ASSERT_EQ(natsConnection_FlushTimeout(pub.get(), 10000), NATS_OK);
  // Every confirmed message is awaited with a generous deadline (on a loaded machine one
  // from A may still be on B's route behind the later ones), then duplicates are drained.
  std::map<int, int> received;
  auto missing_now = [&] {
    size_t n = 0;
    for (int seq : confirmed)
      if (received.count(seq) == 0) ++n;
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{15};
  while (missing_now() > 0 && std::chrono::steady_clock::now() < deadline)
    if (auto m = next(sub.get(), 500)) ++received[std::stoi(data_of(m))];
  while (auto m = next(sub.get(), 500))
    ++received[std::stoi(data_of(m))];
  const size_t missing = missing_now();
  std::string which;
  for (size_t i = 0; i < confirmed.size(); ++i)
    if (received.count(confirmed[i]) == 0)
      which += " " + std::to_string(confirmed[i]) + " (confirmed #" + std::to_string(i) + ")";
  EXPECT_EQ(missing, 0u) << "of " << confirmed.size() << " confirmed messages, "
                         << confirmed_before_ldm
                         << " of them before lame duck mode; missing:" << which << "\nA:\n"
                         << a.log() << "\nB:\n"
                         << b.log() << "\nC:\n"
                         << c.log();
  for (const auto& [seq, copies] : received)
    EXPECT_EQ(copies, 1) << "message " << seq;
  EXPECT_GT(confirmed.size(), 50u);

  const std::string a_url = "\"" + p.url(0) + "\"";
  const std::string got_a = watch_a.read_until("\"ldm\":true");
  const auto ldm_info = got_a.rfind("INFO ");
  ASSERT_NE(got_a.find("\"ldm\":true"), std::string::npos) << got_a;
  EXPECT_EQ(got_a.substr(ldm_info).find(a_url), std::string::npos) << got_a;
  EXPECT_NE(got_a.substr(ldm_info).find("\"" + p.url(1) + "\""), std::string::npos) << got_a;
  // Clients of B are told that A is gone from the cluster's URLs, without "ldm".
  auto b_still_lists_a = [&] {
    const std::string& all = watch_b.received();
    return all.substr(all.rfind("INFO ")).find(a_url) != std::string::npos;
  };
  for (int i = 0; i < 100 && b_still_lists_a(); ++i)
    watch_b.read_some(100);
  const std::string& all_b = watch_b.received();
  EXPECT_FALSE(b_still_lists_a()) << all_b;
  EXPECT_EQ(all_b.find("\"ldm\""), std::string::npos) << all_b;
  const std::string log = a.log();
  EXPECT_NE(log.find("Entering lame duck mode, stop accepting new clients"), std::string::npos);
  EXPECT_NE(log.find("Closing existing clients"), std::string::npos);
}

TEST(OperationsE2E, ALameDuckServerAcceptsNoNewClients) {
  three_servers p;
  server_process a{gnatsd_binary(), p.args(0)};
  raw_client stays{a.port()};
  stays.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
  stays.read_until("PONG");
  ::kill(a.pid(), SIGUSR2);
  ASSERT_TRUE(a.wait_for_log("Entering lame duck mode"));
  // The listener closes right after that line: new connections are refused from then on.
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    try {
      raw_client probe{a.port()};
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    } catch (const std::runtime_error&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_THROW(raw_client{a.port()}, std::runtime_error);  // and stays refused
  ::kill(a.pid(), SIGTERM);                                // ignored while lame duck mode runs
  EXPECT_EQ(a.stop(0, std::chrono::seconds{30}), 0) << a.log();
}

TEST(OperationsE2E, SignalCommandsReachTheServerByPidFile) {
  const std::string dir = "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_run";
  std::filesystem::create_directories(dir);
  const std::string log_file = dir + "/gnatsd.log";
  server_process s{gnatsd_binary(),
                   local_args({"-P", dir + "/gnatsd.pid", "-l", log_file, "--ports_file_dir", dir,
                               "-m", std::to_string(free_port())}),
                   log_file};
  const std::string pid_text = read_file(dir + "/gnatsd.pid");
  EXPECT_EQ(pid_text, std::to_string(s.pid()));  // no newline, as nats-server writes it
  const std::string ports = dir + "/gnatsd_" + std::to_string(s.pid()) + ".ports";
  // The ports file is written once every listener (monitoring last) is up, just after the
  // "server is ready" line the fixture waits for.
  std::string ports_json;
  for (int i = 0; i < 500 && ports_json.find("monitoring") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    ports_json = read_file(ports);
  }
  EXPECT_NE(ports_json.find("\"nats\":[\"nats://127.0.0.1:" + std::to_string(s.port()) + "\"]"),
            std::string::npos)
      << ports_json;
  EXPECT_NE(ports_json.find("\"monitoring\":[\"http://127.0.0.1:"), std::string::npos);

  std::string out;
  std::filesystem::rename(log_file, log_file + ".1");
  EXPECT_EQ(run_gnatsd("--signal reopen=" + dir + "/gnatsd.pid", out), 0) << out;
  EXPECT_TRUE(s.wait_for_log("File log re-opened")) << read_file(log_file);
  EXPECT_EQ(run_gnatsd("--signal bogus", out), 1);
  EXPECT_EQ(out, "gnatsd: unknown signal \"bogus\"\n");
  EXPECT_EQ(run_gnatsd("-sl quit=not-a-pid-file", out), 1);
  EXPECT_EQ(out, "gnatsd: invalid pid: not-a-pid-file\n");
  EXPECT_EQ(run_gnatsd("-sl quit=" + std::to_string(s.pid()), out), 0) << out;
  EXPECT_EQ(s.stop(0), 0);                       // SIGINT: exit 0
  EXPECT_FALSE(std::filesystem::exists(ports));  // removed at shutdown
  EXPECT_FALSE(std::filesystem::exists(dir + "/gnatsd.pid"));
  std::filesystem::remove_all(dir);
}

TEST(OperationsE2E, ReloadAddsAUserChangesPermissionsAndAddsARouteWhileClientsStay) {
  const int route_a = free_port(), route_b = free_port();
  auto config = [&](const std::string& alice_subs, const std::string& more_users,
                    const std::string& routes) {
    return "cluster { listen: 127.0.0.1:" + std::to_string(route_a) + routes +
           " }\nauthorization { users = [\n"
           "  { user: alice, password: pw, permissions: { publish: \">\", subscribe: " +
           alice_subs + " } }\n" + more_users + "] }\n";
  };
  const auto conf = write_config(
      "reload.conf", config("[\"old.>\", \"keep\"]",
                            "  { user: bob, password: b }\n  { user: carol, password: c }\n", ""));
  server_process a{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  server_process b{gnatsd_binary(),
                   local_args({"-cluster", "nats://127.0.0.1:" + std::to_string(route_b)})};
  raw_client alice{a.port()};
  alice.send(
      "CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"pw\"}\r\n"
      "SUB old.x 1\r\nSUB keep 2\r\nPING\r\n");
  ASSERT_NE(alice.read_until("PONG").find("PONG"), std::string::npos);
  raw_client bob{a.port()}, carol{a.port()};
  bob.send("CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"b\"}\r\nPING\r\n");
  carol.send("CONNECT {\"verbose\":false,\"user\":\"carol\",\"pass\":\"c\"}\r\nPING\r\n");
  ASSERT_NE(bob.read_until("PONG").find("PONG"), std::string::npos);
  ASSERT_NE(carol.read_until("PONG").find("PONG"), std::string::npos);
  const size_t bob_before = bob.received().size();
  // No such user yet.
  raw_client early{a.port()};
  early.send("CONNECT {\"verbose\":false,\"user\":\"dave\",\"pass\":\"d\"}\r\n");
  EXPECT_NE(early.read_until("Violation").find("Authorization Violation"), std::string::npos);

  write_config("reload.conf",
               config("[\"new.>\", \"keep\"]",
                      "  { user: dave, password: d }\n  { user: carol, password: changed }\n",
                      "\n  routes: [nats://127.0.0.1:" + std::to_string(route_b) + "]"));
  ::kill(a.pid(), SIGHUP);
  ASSERT_TRUE(a.wait_for_log("Reloaded server configuration")) << a.log();

  // alice stays connected; her subscription that is no longer allowed is removed.
  alice.send("SUB new.y 3\r\nPING\r\n");
  const std::string got = alice.read_until("(sid \"1\")'\r\nPONG\r\n");
  EXPECT_NE(got.find("-ERR 'Permissions Violation for Subscription to \"old.x\" (sid \"1\")'"),
            std::string::npos)
      << got;
  EXPECT_EQ(got.find("new.y"), std::string::npos) << got;  // allowed now: no error
  EXPECT_FALSE(alice.closed());
  // A removed user is closed with nothing written; a changed password is a violation.
  EXPECT_TRUE(bob.wait_closed());
  EXPECT_EQ(bob.received().size(), bob_before) << bob.received();
  EXPECT_NE(carol.read_until("Violation").find("-ERR 'Authorization Violation'"),
            std::string::npos);
  EXPECT_TRUE(carol.wait_closed());
  // The new user logs in; the new route forms and carries messages.
  auto dave = connect_as(a, "dave", "d");
  ASSERT_NE(dave, nullptr);
  auto sub = subscribe(dave.get(), "across");
  natsConnection_FlushTimeout(dave.get(), 5000);
  EXPECT_TRUE(a.wait_for_log("Registering remote route")) << a.log();
  auto pub = connect(b);
  wait_for_interest(pub.get(), sub.get(), "across");  // fails the test if nothing arrives

  // A broken file and a change that cannot apply live both leave the server as it was.
  write_config("reload.conf", "authorization { users = [ \n");
  ::kill(a.pid(), SIGHUP);
  EXPECT_TRUE(a.wait_for_log("Failed to reload server configuration: "));
  write_config("reload.conf",
               "server_name: other\n" +
                   config("[\"new.>\", \"keep\"]", "  { user: dave, password: d }\n", ""));
  ::kill(a.pid(), SIGHUP);
  EXPECT_TRUE(
      a.wait_for_log("Failed to reload server configuration: config reload not "
                     "supported for ServerName: old=, new=other"))
      << a.log();
  alice.send("PING\r\n");
  auto pongs = [&] {
    size_t n = 0;
    for (size_t at = alice.received().find("PONG"); at != std::string::npos;
         at = alice.received().find("PONG", at + 1))
      ++n;
    return n;
  };
  for (int i = 0; i < 50 && pongs() < 3; ++i)
    alice.read_some(100);
  EXPECT_EQ(pongs(), 3u) << alice.received();  // still connected, still answered
  EXPECT_EQ(natsConnection_FlushTimeout(dave.get(), 5000), NATS_OK);
}

TEST(OperationsE2E, ReloadedDenyListFiltersExistingWildcardSubscriptions) {
  auto config = [](const std::string& deny) {
    return "authorization { users = [ { user: alice, password: pw, permissions: { publish: "
           "\">\", subscribe: { allow: \">\"" +
           deny + " } } } ] }\n";
  };
  const auto conf = write_config("deny.conf", config(""));
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  raw_client alice{s.port()};
  alice.send(
      "CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"pw\"}\r\n"
      "SUB foo.* 1\r\nPUB foo.secret 1\r\na\r\nPING\r\n");
  EXPECT_NE(alice.read_until("PONG").find("MSG foo.secret 1 1"), std::string::npos);

  write_config("deny.conf", config(", deny: \"foo.secret\""));
  ::kill(s.pid(), SIGHUP);
  ASSERT_TRUE(s.wait_for_log("Reloaded server configuration")) << s.log();
  const size_t before = alice.received().size();
  alice.send("PUB foo.secret 1\r\nb\r\nPUB foo.open 1\r\nc\r\nPING\r\n");
  const std::string got = alice.read_until("c\r\nPONG\r\n").substr(before);
  EXPECT_EQ(got, "MSG foo.open 1 1\r\nc\r\nPONG\r\n") << "the subscription stays, "
                                                         "without the denied subject";
}

TEST(OperationsE2E, ReloadAppliesLimitsToConnectedClients) {
  const auto conf = write_config("limits.conf", "max_payload: 1000\nmax_connections: 3\n");
  const int http = free_port();
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-m", std::to_string(http)})};
  std::vector<std::unique_ptr<raw_client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<raw_client>(s.port()));
    clients.back()->send("CONNECT {\"verbose\":false}\r\nPING\r\n");
    ASSERT_NE(clients.back()->read_until("PONG").find("PONG"), std::string::npos);
  }
  const std::string payload(200, 'p');
  clients[0]->send("PUB fits 200\r\n" + payload + "\r\nPING\r\n");
  ASSERT_NE(clients[0]->read_until("PONG\r\nPONG").find("PONG\r\nPONG"), std::string::npos);

  write_config("limits.conf", "max_payload: 100\nmax_connections: 2\nping_interval: \"30s\"\n");
  ::kill(s.pid(), SIGHUP);
  ASSERT_TRUE(s.wait_for_log("Reloaded server configuration")) << s.log();
  EXPECT_TRUE(s.wait_for_log("Reloaded: max_payload = 100"));
  EXPECT_TRUE(s.wait_for_log("Reloaded: max_connections = 2"));
  EXPECT_TRUE(s.wait_for_log("Reloaded: ping_interval = 30s"));
  // The newest client is over the new connection limit.
  EXPECT_NE(clients[2]->read_until("exceeded").find("-ERR 'maximum connections exceeded'"),
            std::string::npos);
  EXPECT_TRUE(clients[2]->wait_closed());
  // The new max_payload applies to clients already connected, and new ones are told.
  clients[1]->send("PUB small 50\r\n" + std::string(50, 's') + "\r\nPING\r\n");
  EXPECT_NE(clients[1]->read_until("PONG\r\nPONG").find("PONG\r\nPONG"), std::string::npos);
  clients[0]->send("PUB big 200\r\n" + payload + "\r\n");
  EXPECT_NE(clients[0]->read_until("Violation").find("-ERR 'Maximum Payload Violation'"),
            std::string::npos);
  EXPECT_TRUE(clients[0]->wait_closed());
  raw_client fresh{s.port()};
  EXPECT_NE(fresh.read_until("\r\n").find("\"max_payload\":100"), std::string::npos);
  // /varz shows the new limits and still the port that was bound.
  const std::string varz = http_get(http, "/varz");
  EXPECT_NE(varz.find("\"max_payload\": 100"), std::string::npos) << varz;
  EXPECT_NE(varz.find("\"port\": " + std::to_string(s.port())), std::string::npos) << varz;
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// http_base_path: every endpoint under the base path, the index at the base itself, nothing
// outside it; the same statuses as nats-server, "nats/" read as "/nats".
std::string base_path_statuses(const std::string& binary, const std::string& base) {
  const int http = free_port();
  server_process s{binary,
                   {"-a", "127.0.0.1", "-p", "-1", "-c",
                    write_config("base_" + std::to_string(http) + ".conf",
                                 "http: 127.0.0.1:" + std::to_string(http) +
                                     "\nhttp_base_path: \"" + base + "\"\n")}};
  std::string out;
  // gnatsd starts its monitor after the client port it waited for (flaky under ASan before).
  EXPECT_TRUE(s.wait_for_log("Starting http monitor on"));
  for (const char* path :
       {"/nats/varz", "/nats/connz", "/nats/healthz", "/nats", "/nats/", "/varz", "/"}) {
    int status = 0;
    const std::string body = http_get(http, path, &status);
    out += std::string{path} + " " + std::to_string(status) + "\n";
    if (std::string{path} == "/nats/varz" &&
        body.find("\"http_base_path\": \"" + base + "\"") == std::string::npos)
      out += "varz does not show the base path\n";
  }
  return out;
}

TEST(MonitoringE2E, HttpBasePathAsNatsServer) {
  for (const std::string base : {"/nats", "nats/"}) {
    const std::string ours = base_path_statuses(gnatsd_binary(), base);
    EXPECT_EQ(ours, base_path_statuses(nats_server_binary(), base)) << base;
    EXPECT_NE(ours.find("/nats/varz 200\n"), std::string::npos) << ours;
    EXPECT_NE(ours.find("/varz 404\n"), std::string::npos) << ours;
  }
}

}  // namespace
}  // namespace gnatsd::testing
