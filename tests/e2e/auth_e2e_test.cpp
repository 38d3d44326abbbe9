// End-to-end tests of users, permissions and passwords: the real gnatsd binary, Debian's
// libnats C client and raw sockets for the exact error texts.
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <chrono>
#include <thread>

#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

// The OpenBSD bcrypt test vector: the hash of "U*U".
constexpr const char* bcrypt_of_u_star_u =
    "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

std::string users_config() {
  return std::string{R"(
authorization {
  default_permissions = { publish = "SANDBOX.*", subscribe = ["PUBLIC.>", "_INBOX.>"] }
  users = [
    { user: alice, password: pw, permissions: {
        publish: { allow: ["foo.*", "bar"], deny: ["foo.secret"] }
        subscribe: { allow: ["foo.>", "jobs.* workers"], deny: "foo.secret" } } }
    { user: bob, password: ")"} +
         bcrypt_of_u_star_u + R"(" }
    { user: carol, password: c, permissions: { publish: ">", subscribe: ">" } }
  ]
}
)";
}

conn_ptr connect_as(const server_process& s, const char* user, const char* pass,
                    natsStatus expected = NATS_OK) {
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetUserInfo(raw, user, pass);
  natsOptions_SetMaxReconnect(raw, 0);
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, raw);
  EXPECT_EQ(st, expected) << natsStatus_GetText(st);
  return conn_ptr{nc};
}

// Sends `lines` after CONNECT as `user`, ending with PING; returns everything up to the PONG.
std::string transcript(const server_process& s, const std::string& user, const std::string& pass,
                       const std::string& lines, bool verbose = false) {
  raw_client c{s.port()};
  c.send(std::string{"CONNECT {\"verbose\":"} + (verbose ? "true" : "false") + ",\"user\":\"" +
         user + "\",\"pass\":\"" + pass + "\"}\r\n" + lines + "PING\r\n");
  std::string got = c.read_until("PONG\r\n");
  const auto info_end = got.find("\r\n");
  return info_end == std::string::npos ? got : got.substr(info_end + 2);
}

TEST(AuthE2E, EveryPublishPermissionCaseGetsNatsServersAnswer) {
  const auto conf = write_config("perm_pub.conf", users_config());
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  EXPECT_EQ(transcript(s, "alice", "pw", "PUB foo.a 1\r\nx\r\n", true), "+OK\r\n+OK\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "PUB bar 1\r\nx\r\n"), "PONG\r\n");
  // Denied although the allow list covers it; no +OK even in verbose mode; the
  // connection stays open (PONG).
  EXPECT_EQ(transcript(s, "alice", "pw", "PUB foo.secret 1\r\nx\r\n", true),
            "+OK\r\n-ERR 'Permissions Violation for Publish to \"foo.secret\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "PUB baz 1\r\nx\r\n"),
            "-ERR 'Permissions Violation for Publish to \"baz\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "PUB foo.a.b 1\r\nx\r\n"),
            "-ERR 'Permissions Violation for Publish to \"foo.a.b\"'\r\nPONG\r\n");
  // bob has no permissions of his own: default_permissions apply.
  EXPECT_EQ(transcript(s, "bob", "U*U", "PUB SANDBOX.a 1\r\nx\r\nPUB other 1\r\nx\r\n"),
            "-ERR 'Permissions Violation for Publish to \"other\"'\r\nPONG\r\n");
  EXPECT_TRUE(s.wait_for_log("Publish Violation - User \"alice\", Subject \"baz\""));
}

TEST(AuthE2E, EverySubscribePermissionCaseGetsNatsServersAnswer) {
  const auto conf = write_config("perm_sub.conf", users_config());
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB foo.a 1\r\nSUB foo.* 2\r\nSUB foo.> q 3\r\n"),
            "PONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB baz 1\r\n", true),
            "+OK\r\n-ERR 'Permissions Violation for Subscription to \"baz\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB foo.secret 1\r\n"),
            "-ERR 'Permissions Violation for Subscription to \"foo.secret\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB jobs.a workers 1\r\n"), "PONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB jobs.a other 1\r\n"),
            "-ERR 'Permissions Violation for Subscription to \"jobs.a\" using queue "
            "\"other\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "alice", "pw", "SUB jobs.a 1\r\n"),
            "-ERR 'Permissions Violation for Subscription to \"jobs.a\"'\r\nPONG\r\n");
  EXPECT_EQ(transcript(s, "bob", "U*U", "SUB PUBLIC.x 1\r\nSUB _INBOX.y 2\r\nSUB other 3\r\n"),
            "-ERR 'Permissions Violation for Subscription to \"other\"'\r\nPONG\r\n");
  EXPECT_TRUE(s.wait_for_log(
      "Subscription Violation - User \"alice\", Subject \"jobs.a\", Queue: \"other\", SID 1"));
}

TEST(AuthE2E, AWildcardSubscriptionNeverReceivesADeniedSubject) {
  const auto conf = write_config("perm_filter.conf", users_config());
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  auto alice = connect_as(s, "alice", "pw");
  auto sub = subscribe(alice.get(), "foo.*");
  natsConnection_FlushTimeout(alice.get(), 5000);
  auto carol = connect_as(s, "carol", "c");
  natsConnection_PublishString(carol.get(), "foo.secret", "hidden");
  natsConnection_PublishString(carol.get(), "foo.open", "seen");
  natsConnection_FlushTimeout(carol.get(), 5000);
  auto m = next(sub.get());
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(natsMsg_GetSubject(m.get()), "foo.open");
  EXPECT_EQ(next(sub.get(), 300), nullptr);
}

TEST(AuthE2E, BcryptPasswordsLogInAndWrongOnesAreRefused) {
  const auto conf = write_config("bcrypt.conf", users_config());
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  auto bob = connect_as(s, "bob", "U*U");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(natsConnection_FlushTimeout(bob.get(), 5000), NATS_OK);
  connect_as(s, "bob", "wrong", NATS_CONNECTION_AUTH_FAILED);
  connect_as(s, "nobody", "pw", NATS_CONNECTION_AUTH_FAILED);
  // nats-server's log line names the user tried, never the password.
  EXPECT_TRUE(s.wait_for_log("[ERR] 127.0.0.1:"));
  EXPECT_TRUE(s.wait_for_log("authentication error - User \"nobody\""));
  raw_client raw{s.port()};
  raw.send("CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"" +
           std::string{bcrypt_of_u_star_u} + "\"}\r\n");  // the hash itself is no password
  EXPECT_NE(raw.read_until("Violation").find("-ERR 'Authorization Violation'"), std::string::npos);
  EXPECT_TRUE(raw.wait_closed());
}

TEST(AuthE2E, CredentialsNeverReachTheLog) {
  const auto conf = write_config("redact.conf", users_config());
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-DV"})};
  connect_as(s, "alice", "pw-in-the-clear-would-be-a-leak", NATS_CONNECTION_AUTH_FAILED);
  raw_client raw{s.port()};
  raw.send(
      "CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"U*U\",\"auth_token\":\"t0k3n\"}"
      "\r\nPING\r\n");
  raw.read_until("PONG");
  ASSERT_TRUE(s.wait_for_log("\"pass\":\"[REDACTED]\""));
  const std::string log = s.log();
  EXPECT_EQ(log.find("pw-in-the-clear-would-be-a-leak"), std::string::npos);
  EXPECT_EQ(log.find("U*U"), std::string::npos);
  EXPECT_EQ(log.find("t0k3n"), std::string::npos);
  EXPECT_EQ(log.find(bcrypt_of_u_star_u), std::string::npos);
}

TEST(AuthE2E, RoutesAuthenticateWithABcryptClusterPassword) {
  const int ra = free_port(), rb = free_port();
  const auto conf = write_config(
      "route_auth.conf", std::string{"cluster { listen: 127.0.0.1:"} + std::to_string(ra) +
                             "\n  authorization { user: ruser, password: \"" + bcrypt_of_u_star_u +
                             "\" } }\n");
  server_process a{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  // A peer with the right password joins; one with a wrong password is refused.
  server_process good{gnatsd_binary(),
                      local_args({"-cluster", "nats://127.0.0.1:" + std::to_string(rb), "-routes",
                                  "nats://ruser:U*U@127.0.0.1:" + std::to_string(ra), "-D"})};
  EXPECT_TRUE(a.wait_for_log("Registering remote route")) << a.log();
  server_process bad{gnatsd_binary(),
                     local_args({"-cluster", "nats://127.0.0.1:" + std::to_string(free_port()),
                                 "-routes", "nats://ruser:nope@127.0.0.1:" + std::to_string(ra)})};
  EXPECT_TRUE(a.wait_for_log("authentication error")) << a.log();
  auto sub_conn = connect(a);
  auto sub = subscribe(sub_conn.get(), "across");
  natsConnection_FlushTimeout(sub_conn.get(), 5000);
  auto pub = connect(good);
  bool arrived = false;
  for (int i = 0; i < 100 && !arrived; ++i) {  // until A's interest reached the peer
    natsConnection_PublishString(pub.get(), "across", "hi");
    natsConnection_FlushTimeout(pub.get(), 5000);
    arrived = next(sub.get(), 100) != nullptr;
  }
  EXPECT_TRUE(arrived);
  EXPECT_EQ(a.log().find("U*U"), std::string::npos);
  EXPECT_EQ(good.log().find("U*U"), std::string::npos) << good.log();
  EXPECT_EQ(bad.log().find("nope"), std::string::npos) << bad.log();
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// allow_responses: a responder whose publish permissions allow nothing may answer each
// request it received, once (or `max` times); anything else is a violation. The same
// transcript as nats-server's.
// Reads until `c` has received `n` PONGs in all.
void until_pongs(raw_client& c, size_t n) {
  auto pongs = [&] {
    size_t k = 0;
    for (auto at = c.received().find("PONG\r\n"); at != std::string::npos;
         at = c.received().find("PONG\r\n", at + 1))
      ++k;
    return k;
  };
  for (int i = 0; i < 200 && pongs() < n; ++i)
    c.read_some(50);
}

// What `c` received after its INFO, without the PINGs nats-server sends on its own (to
// measure the client's round trip).
std::string transcript_of(const raw_client& c) {
  std::string t = c.received().substr(c.received().find("\r\n") + 2);
  for (auto at = t.find("PING\r\n"); at != std::string::npos; at = t.find("PING\r\n"))
    t.erase(at, 6);
  return t;
}

std::string responses_transcript(const std::string& binary, const std::string& responses) {
  const int port = free_port();
  const std::string conf = "listen: 127.0.0.1:" + std::to_string(port) +
                           "\nauthorization { users: [\n"
                           "  {user: svc, password: s, permissions: {subscribe: \"req.>\", "
                           "allow_responses: " +
                           responses +
                           "}}\n"
                           "  {user: cli, password: c}\n] }\n";
  server_process s{binary, {"-c", write_config("resp_" + std::to_string(port) + ".conf", conf)}};
  raw_client svc{s.port()};
  svc.send(
      "CONNECT {\"verbose\":false,\"user\":\"svc\",\"pass\":\"s\"}\r\nSUB req.> 1\r\nPING\r\n");
  until_pongs(svc, 1);
  raw_client cli{s.port()};
  cli.send(
      "CONNECT {\"verbose\":false,\"user\":\"cli\",\"pass\":\"c\"}\r\nSUB inbox.> 1\r\n"
      "PUB req.a inbox.a 1\r\nq\r\nPUB req.b inbox.b 1\r\nq\r\nPING\r\n");
  until_pongs(cli, 1);
  svc.send("PING\r\n");
  until_pongs(svc, 2);
  // Answer inbox.a three times, inbox.b once, and publish somewhere else.
  svc.send(
      "PUB inbox.a 2\r\nr1\r\nPUB inbox.a 2\r\nr2\r\nPUB inbox.a 2\r\nr3\r\n"
      "PUB inbox.b 2\r\nr4\r\nPUB elsewhere 1\r\nx\r\nPING\r\n");
  until_pongs(svc, 3);
  cli.send("PING\r\n");
  until_pongs(cli, 2);
  return "svc:\n" + transcript_of(svc) + "cli:\n" + transcript_of(cli);
}

TEST(AuthE2E, AllowResponsesLetsAResponderAnswerWhatItReceivedAsNatsServer) {
  for (const std::string responses : {"true", "{max: 2, expires: \"1m\"}"}) {
    const std::string ours = responses_transcript(gnatsd_binary(), responses);
    EXPECT_EQ(ours, responses_transcript(nats_server_binary(), responses)) << responses;
    EXPECT_NE(ours.find("MSG inbox.a 1 2\r\nr1\r\n"), std::string::npos) << ours;
    EXPECT_NE(ours.find("MSG inbox.b 1 2\r\nr4\r\n"), std::string::npos) << ours;
    EXPECT_NE(ours.find("-ERR 'Permissions Violation for Publish to \"elsewhere\"'"),
              std::string::npos)
        << ours;
    EXPECT_EQ(ours.find("r3"), std::string::npos) << ours;  // past the limit either way
  }
}

}  // namespace
}  // namespace gnatsd::testing
