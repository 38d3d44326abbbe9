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
#include <sstream>
#include <thread>

#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `gnatsd <args>` to completion; returns its exit code and what it printed.
int run_gnatsd(const std::string& args, std::string& output) {
  const std::string out = "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_cmd.txt";
  const int rc = std::system((gnatsd_binary() + " " + args + " >" + out + " 2>&1").c_str());
  output = read_file(out);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct three_servers {
  int client[3], route[3];
  std::string conf;
  three_servers() {
    for (int i = 0; i < 3; ++i) {
      client[i] = free_port();
      route[i] = free_port();
    }
    conf =
        write_config("ldm.conf", "lame_duck_grace_period: \"1s\"\nlame_duck_duration: \"30s\"\n");
  }
  std::vector<std::string> args(int i) const {
    std::vector<std::string> a = {"-c",       conf,
                                  "-a",       "127.0.0.1",
                                  "-p",       std::to_string(client[i]),
                                  "-cluster", "nats://127.0.0.1:" + std::to_string(route[i]),
                                  "-D"};
    if (i > 0) {
      a.push_back("-routes");
      a.push_back("nats://127.0.0.1:" + std::to_string(route[0]));
    }
    return a;
  }
  std::string url(int i) const { return "127.0.0.1:" + std::to_string(client[i]); }
};

bool meshed(const server_process& s) {
  const std::string log = s.log();
  size_t n = 0;
  for (size_t at = log.find("Registering remote route"); at != std::string::npos;
       at = log.find("Registering remote route", at + 1))
    ++n;
  return n >= 2;
}

TEST(OperationsE2E, LameDuckMovesClientsToTheOtherServersWithoutLosingMessages) {
  three_servers p;
  server_process a{gnatsd_binary(), p.args(0)};
  server_process b{gnatsd_binary(), p.args(1)};
  server_process c{gnatsd_binary(), p.args(2)};
  for (int i = 0; i < 500 && !(meshed(a) && meshed(b) && meshed(c)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  ASSERT_TRUE(meshed(a) && meshed(b) && meshed(c)) << a.log();

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
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    natsConnection_PublishString(pub.get(), "orders", "probe");
    natsConnection_FlushTimeout(pub.get(), 5000);
    ready = next(sub.get(), 100) != nullptr;
  }
  ASSERT_TRUE(ready);
  while (next(sub.get(), 200) != nullptr) {
  }

  // Each message carries a sequence number; it counts as confirmed once a flush after it
  // succeeded (the server it went to has processed it). Every confirmed message must reach
  // the subscriber on B, exactly once.
  std::atomic<bool> publishing{true};
  std::vector<int> confirmed;
  std::thread publisher{[&] {
    for (int seq = 0; publishing; ++seq) {
      natsConnection_PublishString(pub.get(), "orders", std::to_string(seq).c_str());
      if (natsConnection_FlushTimeout(pub.get(), 1000) == NATS_OK) confirmed.push_back(seq);
      std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
  }};
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  ::kill(a.pid(), SIGUSR2);
  EXPECT_EQ(a.stop(0, std::chrono::seconds{30}), 0) << a.log();  // A exits by itself, status 0
  // The publisher is now on B or C.
  for (int i = 0; i < 200 && natsConnection_Status(pub.get()) != NATS_CONN_STATUS_CONNECTED; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  publishing = false;
  publisher.join();
  ASSERT_EQ(natsConnection_FlushTimeout(pub.get(), 10000), NATS_OK);
  std::map<int, int> received;
  while (auto m = next(sub.get(), 1000))
    ++received[std::stoi(data_of(m))];
  size_t missing = 0;
  for (int seq : confirmed)
    if (received.count(seq) == 0) ++missing;
  EXPECT_EQ(missing, 0u) << "of " << confirmed.size() << " confirmed messages";
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
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  watch_b.read_some(100);
  const std::string& all_b = watch_b.received();
  const auto last_info = all_b.rfind("INFO ");
  EXPECT_EQ(all_b.substr(last_info).find(a_url), std::string::npos) << all_b;
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
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  EXPECT_THROW(raw_client{a.port()}, std::runtime_error);  // refused: the listener is closed
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
  const std::string ports_json = read_file(ports);
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

}  // namespace
}  // namespace gnatsd::testing
