// End-to-end tests of the gnatsd program itself: flags, config checking, log format, log
// file reopening, pid file and signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "../support/run_command.hpp"
#include "../support/server_process.hpp"

namespace gnatsd::testing {
namespace {

std::string temp_path(const std::string& name) {
  return "/tmp/gnatsd_prog_" + std::to_string(::getpid()) + "_" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Program, LogsTheGuidesStartupLinesInItsFormat) {
  server_process s{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1", "-D"}};
  const std::string log = s.log();
  const std::regex line{
      R"(\[\d+\] \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} \[INF\] Listening for client connections on 127\.0\.0\.1:\d+)"};
  EXPECT_TRUE(std::regex_search(log, line)) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex{R"(\[DBG\] server id is N[A-Z2-7]{55})"})) << log;
  EXPECT_NE(log.find("[INF] server is ready"), std::string::npos);
  EXPECT_NE(log.find("[" + std::to_string(s.pid()) + "] "), std::string::npos);
}

TEST(Program, TraceShowsProtocolOperations) {
  server_process s{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1", "-DV"}};
  raw_client c{s.port()};
  c.send("CONNECT {\"verbose\":false}\r\nSUB foo 9\r\nPUB foo 5\r\nhello\r\nPING\r\n");
  c.read_until("PONG");
  EXPECT_TRUE(s.wait_for_log("- cid:1 - <<- [PUB foo 5]"));
  EXPECT_TRUE(s.wait_for_log("- cid:1 - <<- MSG_PAYLOAD: [\"hello\"]"));
  EXPECT_TRUE(s.wait_for_log("- cid:1 - ->> [MSG foo 9 5]"));
  EXPECT_TRUE(std::regex_search(
      s.log(), std::regex{R"(\[TRC\] 127\.0\.0\.1:\d+ - cid:1 - <<- \[PUB foo 5\])"}));
}

TEST(Program, LogtimeCanBeTurnedOff) {
  server_process s{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1", "-T=false"}};
  EXPECT_TRUE(std::regex_search(s.log(), std::regex{R"(\[\d+\] \[INF\] server is ready)"}));
}

TEST(Program, HelpAndVersion) {
  auto r = run_gnatsd("-h");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("Usage: gnatsd [options]"), std::string::npos);
  r = run_gnatsd("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("2.9.10"), std::string::npos);
}

TEST(Program, BadFlagsPrintAMessageAndUsage) {
  auto r = run_gnatsd("--bogus");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("bogus"), std::string::npos);
  EXPECT_NE(r.output.find("Usage: gnatsd"), std::string::npos);
  r = run_gnatsd("-p notaport");
  EXPECT_NE(r.code, 0);
  r = run_gnatsd("-routes nats://127.0.0.1:4248");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("cluster"), std::string::npos);
}

TEST(Program, TestFlagChecksTheConfig) {
  const auto good = temp_path("good.conf");
  std::ofstream{good} << "# Cluster Seed Node\n\nlisten: 127.0.0.1:4222\nhttp: 8222\n\ncluster {\n "
                         " listen: 127.0.0.1:4248\n}\n";
  auto r = run_gnatsd("-t -c " + good);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("is valid"), std::string::npos);
  const auto bad = temp_path("bad.conf");
  std::ofstream{bad} << "port: 4222\n\nbogus_option: 1\n";
  r = run_gnatsd("-t -c " + bad);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find(bad + ":3:1: unknown field \"bogus_option\""), std::string::npos)
      << r.output;
}

TEST(Program, ListeningOnABusyPortFails) {
  server_process first{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1"}};
  auto r = run_gnatsd("-a 127.0.0.1 -p " + std::to_string(first.port()));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("[FTL]"), std::string::npos);
}

TEST(Program, LogFileIsReopenedOnSigusr1AndPidFileIsKept) {
  const auto log = temp_path("server.log");
  const auto pid = temp_path("server.pid");
  ::unlink(log.c_str());
  server_process s{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1", "-l", log, "-P", pid}, log};
  EXPECT_EQ(slurp(pid), std::to_string(s.pid()));  // no newline, as nats-server writes it
  ASSERT_EQ(::rename(log.c_str(), (log + ".1").c_str()), 0);
  ::kill(s.pid(), SIGUSR1);
  EXPECT_TRUE(s.wait_for_log("File log re-opened"));
  EXPECT_EQ(slurp(log + ".1").find("File log re-opened"), std::string::npos);
  EXPECT_EQ(s.stop(SIGINT), 0) << slurp(log) << "\nprocess output:\n" << s.output();
  EXPECT_NE(slurp(log).find("Server Exiting"), std::string::npos) << slurp(log);
  EXPECT_FALSE(std::ifstream{pid}.good()) << "the pid file is removed at exit";
}

TEST(Program, SigtermShutsDownWithNatsServersExitCode) {
  server_process s{gnatsd_binary(), {"-a", "127.0.0.1", "-p", "-1"}};
  raw_client c{s.port()};
  c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
  c.read_until("PONG");
  EXPECT_EQ(s.stop(SIGTERM), 1);
  EXPECT_TRUE(c.wait_closed());
}

}  // namespace
}  // namespace gnatsd::testing
