// Unit tests of src/auth: permission evaluation (nats-server 2.9.10's rules), bcrypt
// passwords, trace redaction, and the authorization config that feeds them.
#include <gtest/gtest.h>

#include "auth/password.hpp"
#include "auth/permissions.hpp"
#include "auth/redact.hpp"
#include "config/config_parser.hpp"
#include "config/options.hpp"

namespace gnatsd {
namespace {

permission_set perms(subject_rules pub, subject_rules sub) {
  return permission_set{std::move(pub), std::move(sub), std::nullopt};
}

subject_rules allow(std::vector<std::string> a, std::vector<std::string> d = {}) {
  return subject_rules{true, std::move(a), std::move(d)};
}

subject_rules deny_only(std::vector<std::string> d) {
  return subject_rules{false, {}, std::move(d)};
}

TEST(Permissions, PublishNeedsAnAllowMatchAndNoDenyMatch) {
  permission_checker p{perms(allow({"foo.*", "bar"}, {"foo.secret"}), {})};
  EXPECT_TRUE(p.can_publish("foo.a"));
  EXPECT_TRUE(p.can_publish("bar"));
  EXPECT_FALSE(p.can_publish("foo.secret"));  // deny wins
  EXPECT_FALSE(p.can_publish("baz"));
  EXPECT_FALSE(p.can_publish("foo.a.b"));
  permission_checker only_deny{perms(deny_only({"x.>"}), {})};
  EXPECT_TRUE(only_deny.can_publish("anything"));
  EXPECT_FALSE(only_deny.can_publish("x.y"));
  permission_checker empty_allow{perms(allow({}), {})};
  EXPECT_FALSE(empty_allow.can_publish("anything"));  // an empty allow list allows nothing
}

TEST(Permissions, QueueEntriesDecideQueueSubscriptions) {
  permission_checker p{perms({}, allow({"foo.>", "jobs.* workers", "work.* w.*"}))};
  EXPECT_TRUE(p.can_subscribe("foo.a", ""));
  EXPECT_TRUE(p.can_subscribe("foo.a", "anyqueue"));  // a plain entry allows any queue
  EXPECT_TRUE(p.can_subscribe("jobs.a", "workers"));
  EXPECT_FALSE(p.can_subscribe("jobs.a", "other"));
  EXPECT_FALSE(p.can_subscribe("jobs.a", ""));    // a queue entry does not allow plain
  EXPECT_TRUE(p.can_subscribe("work.a", "w.1"));  // queue patterns may use wildcards
  EXPECT_FALSE(p.can_subscribe("work.a", "x.1"));
  EXPECT_FALSE(p.can_subscribe("baz", ""));
}

TEST(Permissions, WildcardSubscriptionsAreMatchedLiterallyAgainstTheLists) {
  permission_checker p{perms({}, allow({"foo.bar", "a.>"}))};
  EXPECT_FALSE(p.can_subscribe("foo.*", ""));  // foo.bar does not cover foo.*
  EXPECT_TRUE(p.can_subscribe("a.*", ""));
  EXPECT_TRUE(p.can_subscribe("a.>", ""));
}

TEST(Permissions, DenyWinsAndAWildcardSubscriptionFiltersDeniedSubjects) {
  permission_checker p{perms({}, allow({"foo.>"}, {"foo.secret", "jobs.* workers"}))};
  EXPECT_FALSE(p.can_subscribe("foo.secret", ""));
  EXPECT_TRUE(p.can_subscribe("foo.*", ""));
  const auto filter = p.delivery_filter("foo.*");
  ASSERT_NE(filter, nullptr);
  EXPECT_TRUE(denied(*filter, "foo.secret"));
  EXPECT_FALSE(denied(*filter, "foo.open"));
  EXPECT_EQ(p.delivery_filter("foo.open"), nullptr);  // literal: nothing to filter
  EXPECT_EQ(p.delivery_filter("bar.*"), nullptr);     // no deny in its scope
}

TEST(Passwords, BcryptHashesOfEveryPrefixAndPlainText) {
  // The OpenBSD bcrypt test vector for "U*U".
  const std::string hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  EXPECT_TRUE(is_bcrypt(hash));
  EXPECT_TRUE(password_matches(hash, "U*U"));
  EXPECT_FALSE(password_matches(hash, "U*V"));
  EXPECT_TRUE(password_matches("$2b$" + hash.substr(4), "U*U"));
  EXPECT_TRUE(password_matches("$2y$" + hash.substr(4), "U*U"));
  EXPECT_FALSE(password_matches("$2a$05$broken", "U*U"));
  EXPECT_TRUE(password_matches("plain", "plain"));
  EXPECT_FALSE(password_matches("plain", "Plain"));
}

TEST(Redaction, PasswordsAndTokensNeverReachATrace) {
  EXPECT_EQ(redact_connect(R"({"user":"a","pass":"s3cr\"et","verbose":false})"),
            R"({"user":"a","pass":"[REDACTED]","verbose":false})");
  EXPECT_EQ(redact_connect(R"({"auth_token" : "t0k"})"), R"({"auth_token" : "[REDACTED]"})");
  EXPECT_EQ(redact_connect(R"({"name":"pass"})"), R"({"name":"pass"})");
  EXPECT_EQ(redact_connect(R"({"pass":"unterminated)"), R"({"pass":"[REDACTED])");
}

server_options load(const std::string& text) {
  server_options o;
  std::vector<std::string> warnings;
  apply_config(config::parse_string(text, "auth.conf"), o, warnings);
  return o;
}

TEST(AuthConfig, UsersWithPermissionsInEveryForm) {
  const auto o = load(R"(
authorization {
  default_permissions = { publish = "SANDBOX.*", subscribe = ["PUBLIC.>", "_INBOX.>"] }
  users = [
    { user: alice, password: pw, permissions: {
        publish: { allow: ["foo.*", "bar"], deny: "foo.secret" }
        subscribe: { deny: ["x"] } } }
    { user: bob, pass: "$2a$11$abc" }
  ]
})");
  ASSERT_EQ(o.authorization.users.size(), 2u);
  EXPECT_TRUE(o.auth_required());
  const auto& alice = o.authorization.users[0];
  ASSERT_TRUE(alice.permissions.has_value());
  EXPECT_EQ(alice.permissions->publish.allow, (std::vector<std::string>{"foo.*", "bar"}));
  EXPECT_EQ(alice.permissions->publish.deny, (std::vector<std::string>{"foo.secret"}));
  EXPECT_FALSE(alice.permissions->subscribe.has_allow);
  // A user without permissions of its own gets default_permissions as the block is read.
  ASSERT_TRUE(o.authorization.users[1].permissions.has_value());
  EXPECT_EQ(o.authorization.users[1].permissions->publish.allow,
            (std::vector<std::string>{"SANDBOX.*"}));
  EXPECT_EQ(o.authorization.users[1].password, "$2a$11$abc");
  ASSERT_TRUE(o.authorization.default_permissions.has_value());
  EXPECT_EQ(o.authorization.default_permissions->publish.allow,
            (std::vector<std::string>{"SANDBOX.*"}));
  EXPECT_TRUE(o.authorization.default_permissions->subscribe.has_allow);
}

TEST(AuthConfig, ConflictsAndUnknownKeysAreErrors) {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      load(text);
    } catch (const config::parse_error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(
      error_of("authorization { user: a, password: b, users: [{user: c}] }").find("users array"),
      std::string::npos);
  EXPECT_NE(error_of("authorization { users: [{user: a, permissions: {publsh: x}}] }")
                .find("unknown field \"publsh\""),
            std::string::npos);
  EXPECT_NE(error_of("authorization { users: [{password: a}] }").find("requires a user"),
            std::string::npos);
}

}  // namespace
}  // namespace gnatsd

#include "config/reload.hpp"

namespace gnatsd {
namespace {

TEST(Reload, OnlyLiveChangesAreAccepted) {
  server_options a, b;
  a.port = b.port = -1;
  b.debug = true;
  b.authorization.users.push_back(user_entry{"dave", "d", std::nullopt, "", ""});
  b.cluster.routes = {"nats://127.0.0.1:7000"};
  EXPECT_EQ(unreloadable_change(a, b), "");
  b.max_payload = 100;  // limits reload live
  b.ping_interval = std::chrono::seconds{5};
  EXPECT_EQ(unreloadable_change(a, b), "");
  b.lame_duck_duration = std::chrono::minutes{5};
  EXPECT_EQ(unreloadable_change(a, b),
            "config reload not supported for LameDuckDuration: old=2m0s, new=5m0s");
  server_options c;
  c.cluster.authorization.password = "secret";
  EXPECT_EQ(unreloadable_change(server_options{}, c),
            "config reload not supported for Cluster.Password");  // never in clear
  server_options d;
  d.port = 4223;
  EXPECT_EQ(unreloadable_change(server_options{}, d),
            "config reload not supported for Port: old=4222, new=4223");
  server_options e;
  e.tls.enabled = true;
  EXPECT_EQ(unreloadable_change(server_options{}, e), "");  // the client port's TLS reloads
  server_options f;
  f.cluster.tls.timeout = std::chrono::seconds{5};
  EXPECT_EQ(unreloadable_change(server_options{}, f), "");  // and so does the cluster's
  server_options g;
  g.gateway.name = "A";
  g.gateway.port = 7222;
  EXPECT_EQ(unreloadable_change(server_options{}, g), "config reload not supported for Gateway");
  server_options h = g;
  h.gateway.authorization.password = "new";
  EXPECT_EQ(unreloadable_change(g, h), "config reload not supported for Gateway");  // no values
}

}  // namespace
}  // namespace gnatsd

#include "auth/reply_permits.hpp"

namespace gnatsd {
namespace {

TEST(ReplyPermits, AReplySubjectMayBeUsedMaxTimesWithinItsExpiry) {
  using std::chrono::seconds;
  reply_permits once{response_permission{}};  // nats-server's default: once, within 2m
  once.record("inbox.1", seconds{0});
  EXPECT_FALSE(once.use("inbox.2", seconds{1}));
  EXPECT_TRUE(once.use("inbox.1", seconds{1}));
  EXPECT_FALSE(once.use("inbox.1", seconds{1}));
  reply_permits twice{response_permission{2, seconds{10}}};
  twice.record("r", seconds{0});
  EXPECT_TRUE(twice.use("r", seconds{5}));
  EXPECT_FALSE(twice.use("r", seconds{11}));  // expired before its second use
  reply_permits unlimited{response_permission{-1, seconds{-1}}};
  unlimited.record("r", seconds{0});
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(unlimited.use("r", seconds{1000}));
}

TEST(ReplyPermits, UsedUpPermitsArePrunedPastTheLimit) {
  reply_permits p{response_permission{}};
  for (size_t i = 0; i <= reply_permits::prune_above; ++i) {
    p.record("r." + std::to_string(i), std::chrono::seconds{0});
    EXPECT_TRUE(p.use("r." + std::to_string(i), std::chrono::seconds{0}));
  }
  p.record("last", std::chrono::seconds{0});
  EXPECT_LE(p.size(), 2u);
}

// A responder flooded with requests it never answers holds at most hard_limit permits, and
// the newest one still works.
TEST(ReplyPermits, UnansweredRequestsCannotGrowThePermitsWithoutBound) {
  reply_permits p{response_permission{}};
  for (size_t i = 0; i < 2 * reply_permits::hard_limit; ++i)
    p.record("r." + std::to_string(i), std::chrono::seconds{0});
  EXPECT_LE(p.size(), reply_permits::hard_limit);
  EXPECT_TRUE(
      p.use("r." + std::to_string(2 * reply_permits::hard_limit - 1), std::chrono::seconds{1}));
}

TEST(AuthConfig, AllowResponsesAsNatsServerReadsIt) {
  auto o = load(R"(authorization { users: [
    {user: a, password: a, permissions: {subscribe: "req.>", allow_responses: true}}
    {user: b, password: b, permissions: {publish: "x", allow_responses: {max: 3, expires: "5s"}}}
  ] })");
  const auto& a = *o.authorization.users[0].permissions;
  ASSERT_TRUE(a.responses);
  EXPECT_EQ(a.responses->max_msgs, 1);
  EXPECT_EQ(a.responses->expires, std::chrono::minutes{2});
  EXPECT_TRUE(a.publish.has_allow);  // nothing else may be published
  EXPECT_TRUE(a.publish.allow.empty());
  const auto& b = *o.authorization.users[1].permissions;
  EXPECT_EQ(b.responses->max_msgs, 3);
  EXPECT_EQ(b.responses->expires, std::chrono::seconds{5});
  EXPECT_EQ(b.publish.allow, (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace gnatsd
