// Unit tests of the config-file parser, the option mapping and the command line.
#include <gtest/gtest.h>

#include "config/reload.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "config/command_line.hpp"
#include "config/config_parser.hpp"
#include "config/nats_url.hpp"
#include "config/options.hpp"
#include "config/usage.hpp"

namespace gnatsd {
namespace {

server_options load(const std::string& text) {
  server_options o;
  std::vector<std::string> warnings;
  apply_config(config::parse_string(text, "test.conf"), o, warnings);
  return o;
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const config::parse_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, ParsesTheGuidesSeedConf) {
  const auto o = load(R"(# Cluster Seed Node

listen: 127.0.0.1:4222
http: 8222

cluster {
  listen: 127.0.0.1:4248
}
)");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4222);
  EXPECT_EQ(o.http_port, 8222);
  EXPECT_EQ(o.cluster.host, "127.0.0.1");
  EXPECT_EQ(o.cluster.port, 4248);
}

TEST(Config, AcceptsEverySeparatorAndCommentStyle) {
  const auto o = load(
      "port: 1\n"
      "server_name = \"alpha\"  // a comment\n"
      "max_payload 2KB; # another\n"
      "debug: true, trace: yes\n"
      "logtime: off\n");
  EXPECT_EQ(o.port, 1);
  EXPECT_EQ(o.server_name, "alpha");
  EXPECT_EQ(o.max_payload, 2048);
  EXPECT_TRUE(o.debug);
  EXPECT_TRUE(o.trace);
  EXPECT_FALSE(o.logtime);
}

TEST(Config, SizeSuffixesFollowNatsServer) {
  EXPECT_EQ(load("max_pending: 1K").max_pending, 1000);
  EXPECT_EQ(load("max_pending: 1KB").max_pending, 1024);
  EXPECT_EQ(load("max_pending: 2mb").max_pending, 2 * 1024 * 1024);
  EXPECT_EQ(load("max_pending: 1M").max_pending, 1000000);
  EXPECT_EQ(load("max_pending: 1GB").max_pending, 1LL << 30);
  EXPECT_EQ(load("max_pending: 3MiB").max_pending, 3LL << 20);
}

TEST(Config, DurationsAreGoDurationStrings) {
  EXPECT_EQ(load("ping_interval: \"2m\"").ping_interval, std::chrono::minutes{2});
  EXPECT_EQ(load("ping_interval: 10s").ping_interval, std::chrono::seconds{10});
  EXPECT_EQ(load("write_deadline: \"500ms\"").write_deadline, std::chrono::milliseconds{500});
  EXPECT_EQ(load("ping_interval: \"1h30m\"").ping_interval, std::chrono::minutes{90});
  // A bare integer means seconds (nats-server warns).
  EXPECT_EQ(load("ping_interval: 5").ping_interval, std::chrono::seconds{5});
}

TEST(Config, AuthorizationBlock) {
  const auto o = load("authorization { user: alice, password: s3cret, timeout: 0.5 }");
  EXPECT_EQ(o.authorization.user, "alice");
  EXPECT_EQ(o.authorization.password, "s3cret");
  EXPECT_EQ(o.authorization.timeout, std::chrono::milliseconds{500});
  EXPECT_EQ(load("authorization { token: abc }").authorization.token, "abc");
}

TEST(Config, ClusterBlockIsKept) {
  const auto o = load(R"(
cluster {
  host: 127.0.0.1
  port: 4248
  name: c1
  routes = [
    nats-route://127.0.0.1:5248
    nats://user:pass@127.0.0.1:6248
  ]
  authorization { user: ruser, password: rpass, timeout: 2 }
  no_advertise: true
  connect_retries: 3
})");
  EXPECT_EQ(o.cluster.port, 4248);
  EXPECT_EQ(o.cluster.name, "c1");
  ASSERT_EQ(o.cluster.routes.size(), 2u);
  EXPECT_EQ(o.cluster.routes[1], "nats://user:pass@127.0.0.1:6248");
  EXPECT_EQ(o.cluster.authorization.user, "ruser");
  EXPECT_TRUE(o.cluster.no_advertise);
  EXPECT_EQ(o.cluster.connect_retries, 3);
}

TEST(Config, VariablesResolveFromBlocksThenEnvironment) {
  EXPECT_EQ(load("PORT = 4333\nport: $PORT").port, 4333);
  ::setenv("GNATSD_TEST_NAME", "from-env", 1);
  EXPECT_EQ(load("server_name: $GNATSD_TEST_NAME").server_name, "from-env");
  EXPECT_EQ(load("server_name: \"$NOT_A_VAR\"").server_name, "$NOT_A_VAR");
  EXPECT_NE(error_of("port: $NO_SUCH_VARIABLE_X").find("can not be found"), std::string::npos);
}

TEST(Config, WholeFileMayBeWrappedInBraces) {
  EXPECT_EQ(load("{ port: 7 }").port, 7);
}

TEST(Config, IncludeIsRelativeToTheIncludingFile) {
  const std::string dir = ::testing::TempDir() + "gnatsd_cfg";
  std::system(("mkdir -p " + dir + "/sub").c_str());
  std::ofstream{dir + "/sub/auth.conf"} << "authorization { token: tok }\n";
  std::ofstream{dir + "/main.conf"} << "port: 9\ninclude ./sub/auth.conf\n";
  server_options o;
  std::vector<std::string> w;
  apply_config(config::parse_file(dir + "/main.conf"), o, w);
  EXPECT_EQ(o.port, 9);
  EXPECT_EQ(o.authorization.token, "tok");
}

TEST(Config, NatsServerOptionsNotImplementedYetAreRefusedByName) {
  // A copied nats-server config says what is missing instead of looking mistyped.
  EXPECT_EQ(error_of("port: 1\njetstream { store_dir: /tmp }\n"),
            "test.conf:2:1: \"jetstream\" is a nats-server option gnatsd does not implement yet "
            "(see docs/COMPATIBILITY.md)");
  for (const char* key : {"jetstream", "websocket", "mqtt", "operator", "server_tags", "JetStream"})
    EXPECT_NE(error_of(std::string{key} + ": x\n").find("does not implement yet"),
              std::string::npos)
        << key;
  // Not an option of nats-server 2.9 either: still an unknown field.
  EXPECT_EQ(error_of("max_closed_clients: 5\n"),
            "test.conf:1:1: unknown field \"max_closed_clients\"");
}

TEST(Config, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(error_of("port: 1\nbogus_option: 2\n"),
            "test.conf:2:1: unknown field \"bogus_option\"");
  EXPECT_EQ(error_of("port: \"abc\"\n"),
            "test.conf:1:1: expected an integer for \"port\", got string");
  EXPECT_NE(error_of("cluster {\n  port: 1\n").find("test.conf:"), std::string::npos);
  EXPECT_NE(error_of("server_name: \"open\n").find("test.conf:1:"), std::string::npos);
  EXPECT_NE(error_of("max_payload: 1.5MB").find("expected an integer"), std::string::npos);
  EXPECT_NE(error_of("ping_interval: \"2x\"").find("invalid duration"), std::string::npos);
}

TEST(Config, TlsBlocksForClientsAndRoutes) {
  const auto o = load(
      "tls { cert_file: \"s.pem\", key_file: \"s-key.pem\", ca_file: \"ca.pem\", verify: true, "
      "timeout: 0.5 }\n"
      "cluster { port: 6222, tls { cert_file: \"r.pem\", key_file: \"r-key.pem\", timeout: "
      "\"3s\" } }\n");
  EXPECT_TRUE(o.tls.enabled);
  EXPECT_EQ(o.tls.cert_file, "s.pem");
  EXPECT_EQ(o.tls.ca_file, "ca.pem");
  EXPECT_TRUE(o.tls.verify);
  EXPECT_EQ(o.tls.timeout, std::chrono::milliseconds{500});
  EXPECT_TRUE(o.cluster.tls.enabled);
  EXPECT_EQ(o.cluster.tls.key_file, "r-key.pem");
  EXPECT_FALSE(o.cluster.tls.verify);
  EXPECT_EQ(o.cluster.tls.timeout, std::chrono::seconds{3});
  EXPECT_FALSE(load("port: 1").tls.enabled);
}

TEST(Config, TlsCipherSuitesCurvesAndInsecure) {
  const auto o = load(
      "cluster { port: 1, tls { cert_file: c, key_file: k, insecure: true, cipher_suites: "
      "[\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\", \"TLS_AES_128_GCM_SHA256\"], "
      "curve_preferences: [\"X25519\", \"CurveP256\"] } }");
  EXPECT_TRUE(o.cluster.tls.insecure);
  EXPECT_EQ(o.cluster.tls.cipher_suites,
            (std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                      "TLS_AES_128_GCM_SHA256"}));
  EXPECT_EQ(o.cluster.tls.curve_preferences, (std::vector<std::string>{"X25519", "CurveP256"}));
  EXPECT_EQ(error_of("tls { cert_file: c, key_file: k, curve_preferences: [\"CurveP999\"] }"),
            "test.conf:1:54: unrecognized curve preference CurveP999");  // as nats-server
}

TEST(Config, PinnedCertsAreHexKeyIdsInAnyCase) {
  const std::string id(64, 'A');
  const auto o = load("tls { cert_file: c, key_file: k, pinned_certs: [\"" + id + "\"] }");
  EXPECT_EQ(o.tls.pinned_certs, (std::vector<std::string>{std::string(64, 'a')}));
  // nats-server's texts and column (checked with nats-server -t).
  EXPECT_EQ(error_of("tls { cert_file: c, key_file: k, pinned_certs: [\"abc\"] }"),
            "test.conf:1:49: error parsing tls config, 'pinned_certs' key abc does not look like "
            "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo");
  EXPECT_NE(error_of("tls { cert_file: c, key_file: k, pinned_certs: \"" + id + "\" }")
                .find("error parsing tls config, expected 'pinned_certs' to be a list of "
                      "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo"),
            std::string::npos);
}

TEST(Config, TlsErrorsUseNatsServersTexts) {
  EXPECT_EQ(error_of("tls { key_file: \"k.pem\" }"),
            "test.conf:1:1: missing 'cert_file' in TLS configuration");
  EXPECT_EQ(error_of("tls { cert_file: \"c.pem\" }"),
            "test.conf:1:1: missing 'key_file' in TLS configuration");
  EXPECT_NE(error_of("tls { cert_file: c, key_file: k, cipher: x }")
                .find("error parsing tls config, unknown field [\"cipher\"]"),
            std::string::npos);
  server_options o;
  o.tls.enabled = true;
  o.tls.cert_file = "/nonexistent/c.pem";
  o.tls.key_file = "/nonexistent/k.pem";
  EXPECT_EQ(validate(o),
            "error parsing X509 certificate/key pair: open /nonexistent/c.pem: no such file or "
            "directory");
}

TEST(Options, MaxPayloadCannotExceedMaxPending) {
  server_options o;
  o.max_payload = 10;
  o.max_pending = 5;
  EXPECT_EQ(validate(o), "max_payload (10) cannot be higher than max_pending (5)");
}

TEST(GoDuration, ParsesAndFormatsLikeGo) {
  duration d{};
  ASSERT_TRUE(parse_go_duration("1m30s", d));
  EXPECT_EQ(d, std::chrono::seconds{90});
  EXPECT_FALSE(parse_go_duration("10", d));
  EXPECT_EQ(format_go_duration(std::chrono::minutes{2}), "2m0s");
  EXPECT_EQ(format_go_duration(std::chrono::milliseconds{500}), "500ms");
}

command_line parse(std::vector<const char*> args) {
  args.insert(args.begin(), "gnatsd");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CommandLine, AcceptsOneAndTwoDashLongFlags) {
  auto c = parse({"-p", "5222", "-cluster", "nats://localhost:5248", "-routes",
                  "nats://localhost:4248", "-D"});
  ASSERT_EQ(c.what, command_line::action::run) << c.error;
  EXPECT_EQ(c.options.port, 5222);
  EXPECT_EQ(c.options.cluster.host, "localhost");
  EXPECT_EQ(c.options.cluster.port, 5248);
  ASSERT_EQ(c.options.cluster.routes.size(), 1u);
  EXPECT_TRUE(c.options.debug);
  c = parse({"--port=4333", "--addr", "127.0.0.1", "-DV", "--user", "u", "--pass", "p"});
  ASSERT_EQ(c.what, command_line::action::run) << c.error;
  EXPECT_EQ(c.options.port, 4333);
  EXPECT_EQ(c.options.host, "127.0.0.1");
  EXPECT_TRUE(c.options.debug && c.options.trace);
  EXPECT_EQ(c.options.authorization.user, "u");
}

TEST(CommandLine, RoutesWithoutClusterAreRefused) {
  const auto c = parse({"-routes", "nats://localhost:4248"});
  EXPECT_EQ(c.what, command_line::action::error);
  EXPECT_NE(c.error.find("cluster"), std::string::npos);
}

TEST(CommandLine, BadFlagsAndValuesAreErrors) {
  EXPECT_EQ(parse({"--no-such-flag"}).what, command_line::action::error);
  EXPECT_EQ(parse({"-p", "notanumber"}).what, command_line::action::error);
  EXPECT_EQ(parse({"-c", "/nonexistent/file.conf"}).what, command_line::action::error);
}

TEST(CommandLine, FlagsOverrideTheConfigFile) {
  const std::string path = ::testing::TempDir() + "gnatsd_override.conf";
  std::ofstream{path} << "port: 1111\nserver_name: file\ndebug: false\n";
  const auto c = parse({"-config", path.c_str(), "-p", "2222", "-D"});
  ASSERT_EQ(c.what, command_line::action::run) << c.error;
  EXPECT_EQ(c.options.port, 2222);
  EXPECT_EQ(c.options.server_name, "file");
  EXPECT_TRUE(c.options.debug);
}

TEST(CommandLine, TlsFlagsEnableTls) {
  const std::string cert = ::testing::TempDir() + "gnatsd_flag_cert.pem";
  std::ofstream{cert} << "x";
  auto c = parse({"--tls", "--tlscert", cert.c_str(), "--tlskey", cert.c_str()});
  ASSERT_EQ(c.what, command_line::action::run) << c.error;
  EXPECT_TRUE(c.options.tls.enabled);
  EXPECT_FALSE(c.options.tls.verify);
  // A certificate flag alone turns TLS on, as with nats-server; -tlsverify adds verification.
  c = parse({"-tlscert", cert.c_str(), "-tlskey", cert.c_str(), "-tlsverify", "-tlscacert",
             cert.c_str()});
  ASSERT_EQ(c.what, command_line::action::run) << c.error;
  EXPECT_TRUE(c.options.tls.enabled && c.options.tls.verify);
  EXPECT_EQ(c.options.tls.ca_file, cert);
  c = parse({"--tls"});
  EXPECT_EQ(c.what, command_line::action::error);
  EXPECT_EQ(c.error, "TLS Server certificate must be present and valid");
}

TEST(CommandLine, HelpVersionAndTest) {
  EXPECT_EQ(parse({"-h"}).what, command_line::action::help);
  EXPECT_EQ(parse({"--version"}).what, command_line::action::version);
  EXPECT_EQ(parse({"-t"}).what, command_line::action::test_config);
}

// -h and the man page come from flag_docs(); the parser registers its flags itself. Both
// directions are checked, so a flag added to one and not the other fails here.
TEST(CommandLine, UsageTablesNameExactlyTheFlagsTheParserTakes) {
  std::set<std::string> documented;
  for (const auto& f : flag_docs())
    for (std::string n : f.names) {
      if (n.size() > 2 && n[1] != '-') n = "-" + n;  // "-ms" is the long flag "--ms"
      documented.insert(n);
    }
  const auto registered = flag_names();
  EXPECT_EQ(documented, std::set<std::string>(registered.begin(), registered.end()));
  const std::string man = man_page("0");
  for (const auto& f : flag_docs()) {
    std::string escaped;  // roff writes "-" as "\-"
    for (const char* c = f.names[0]; *c != '\0'; ++c)
      escaped += *c == '-' ? std::string("\\-") : std::string(1, *c);
    EXPECT_NE(man.find("\\fB" + escaped + "\\fR"), std::string::npos) << f.names[0];
    EXPECT_NE(usage_text().find(std::string(" ") + f.names[0]), std::string::npos) << f.names[0];
  }
  for (const auto& s : signal_docs()) {
    signal_command cmd;
    std::string error;
    EXPECT_TRUE(parse_signal_command(s.command, cmd, error)) << s.command;
    EXPECT_NE(man_page("0").find(s.signal), std::string::npos) << s.signal;
  }
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

TEST(NatsUrl, PasswordsAreRedactedAsGoDoes) {
  EXPECT_EQ(redacted_url("nats://ruser:rpass@127.0.0.1:4248"), "nats://ruser:xxxxx@127.0.0.1:4248");
  EXPECT_EQ(redacted_url("nats-route://u:p@a:1/"), "nats-route://u:xxxxx@a:1/");
  EXPECT_EQ(redacted_url("nats://user@host:4248"), "nats://user@host:4248");
  EXPECT_EQ(redacted_url("nats://host:4248"), "nats://host:4248");
  EXPECT_EQ(redacted_url("u:p@host:1"), "u:xxxxx@host:1");
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

TEST(AccountsConfig, UsersAreBoundToTheirAccountsWithTheAccountsDefaultPermissions) {
  const auto o = load(R"(
accounts {
  A: { users: [{user: a, password: pa}, {user: a2, password: pa2, permissions: {publish: "x"}}]
       default_permissions: { publish: "a.>" } }
  B: { users: [{user: b, password: pb}] }
  C: {}
}
authorization { users: [{user: g, password: pg}] }
no_auth_user: b
system_account: C
)");
  ASSERT_EQ(o.accounts.size(), 3u);
  EXPECT_EQ(o.accounts[0].name, "A");
  EXPECT_EQ(o.accounts[2].name, "C");
  ASSERT_EQ(o.authorization.users.size(), 4u);
  std::map<std::string, user_entry> by_name;
  for (const auto& u : o.authorization.users)
    by_name[u.user] = u;
  EXPECT_EQ(by_name["a"].account, "A");
  EXPECT_EQ(by_name["a"].permissions->publish.allow, (std::vector<std::string>{"a.>"}));
  EXPECT_EQ(by_name["a2"].permissions->publish.allow, (std::vector<std::string>{"x"}));
  EXPECT_EQ(by_name["b"].account, "B");
  EXPECT_FALSE(by_name["b"].permissions.has_value());
  EXPECT_EQ(by_name["g"].account, "");  // the global account
  EXPECT_EQ(o.no_auth_user, "b");
  EXPECT_EQ(o.system_account_name(), "C");
  EXPECT_EQ(validate(o), "");
  EXPECT_TRUE(o.auth_required());
}

TEST(AccountsConfig, AListOfNamesAndTheSystemAccountDefaults) {
  auto o = load("accounts: [A, B]\n");
  ASSERT_EQ(o.accounts.size(), 2u);
  EXPECT_EQ(o.accounts[1].name, "B");
  EXPECT_FALSE(o.auth_required());
  EXPECT_EQ(o.system_account_name(), "$SYS");
  o = load("no_sys_acc: true\n");
  EXPECT_EQ(o.system_account_name(), "");
  EXPECT_EQ(validate(o), "");
}

// Each text as `nats-server -t` (2.9.10) reports it (its columns count from 0, ours from 1).
TEST(AccountsConfig, MistakesGetNatsServersErrors) {
  EXPECT_EQ(error_of("accounts { $G: { users: [{user: a, password: a}] } }\n"),
            "test.conf:1:12: \"$G\" is a Reserved Account");
  EXPECT_EQ(error_of("accounts: [A, A]\n"), "test.conf:1:15: Duplicate Account Entry: A");
  EXPECT_EQ(error_of("accounts { A: 1 }\n"), "test.conf:1:12: Expected map entries for accounts");
  EXPECT_EQ(error_of("accounts { A: { foo: 1 } }\n"), "test.conf:1:17: unknown field \"foo\"");
  EXPECT_NE(error_of("accounts {\n A: { users: [{user: a, password: a}] }\n"
                     " B: { users: [{user: a, password: b}] }\n}\n")
                .find("Duplicate user \"a\" detected"),
            std::string::npos);
  EXPECT_NE(error_of("authorization { users: [{user: a, password: a}] }\n"
                     "accounts { A: { users: [{user: a, password: b}] } }\n")
                .find("Duplicate user \"a\" detected"),
            std::string::npos);
  EXPECT_NE(error_of("authorization { user: x, password: y }\n"
                     "accounts { A: { users: [{user: a, password: a}] } }\n")
                .find("Can not have a single user/pass and accounts"),
            std::string::npos);
  EXPECT_NE(error_of("accounts { A: { users: [{user: a, password: a, account: B}] } }\n")
                .find("unknown field \"account\""),
            std::string::npos);
  // What gnatsd does not implement yet inside an account is refused by name.
  EXPECT_NE(error_of("accounts { A: { jetstream: enabled } }\n").find("does not implement yet"),
            std::string::npos);
}

// Each text as `nats-server -t` (2.9.10) reports it; nats-server places the import and
// export checks at the accounts block's position, line 1 column 0 here.
TEST(AccountsConfig, ExportsAndImportsGetNatsServersErrors) {
  auto tail = [](const std::string& conf) {
    const std::string e = error_of(conf);
    const auto at = e.find(": ", e.find(':', e.find(':') + 1));
    return at == std::string::npos ? e : e.substr(at + 2);
  };
  EXPECT_EQ(tail("accounts { A: {}, B: { imports: [{stream: {account: A, subject: x}}] } }\n"),
            "Error adding stream import \"x\": stream import not authorized");
  EXPECT_EQ(tail("accounts { A: {}, B: { imports: [{service: {account: A, subject: x}}] } }\n"),
            "Error adding service import \"x\": service import not authorized");
  EXPECT_EQ(tail("accounts { B: { imports: [{stream: {account: Z, subject: x}}] } }\n"),
            "\"Z\" account not defined for stream import");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x, accounts: [C]}] },"
                 " B: { imports: [{stream: {account: A, subject: x}}] }, C: {} }\n"),
            "Error adding stream import \"x\": stream import not authorized");
  EXPECT_EQ(tail("accounts { A: { exports: [{service: x}], imports: [{service: {account: B, "
                 "subject: x}}] }, B: { exports: [{service: x}], imports: [{service: {account: A, "
                 "subject: x}}] } }\n"),
            "Error adding service import \"x\": import forms a cycle");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x}], imports: [{stream: {account: B, "
                 "subject: x}}] }, B: { exports: [{stream: x}], imports: [{stream: {account: A, "
                 "subject: x}}] } }\n"),
            "Error adding stream import \"x\": import forms a cycle");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: \"x.*\"}] }, B: { imports: [{stream: "
                 "{account: A, subject: \"x.*\"}, to: \"y.z\"}] } }\n"),
            "Error adding stream import \"x.*\": failed to create mapping transform for stream "
            "import subject \"x.*\" to \"y.z\": invalid mapping destination: not using all of "
            "the token wildcard(s) in y.z");
  EXPECT_EQ(tail("accounts { A: { exports: [{service: x, response: foo}] } }\n"),
            "Unknown response type: \"foo\"");
  EXPECT_EQ(tail("accounts { A: { exports: [\"x\"] } }\n"),
            "Export Items should be a map with type entry, got string");
  EXPECT_EQ(tail("accounts { A: { exports: {stream: x} } }\n"),
            "Exports should be an array, got map[string]interface {}");
  EXPECT_EQ(tail("accounts { A: { imports: [x] } }\n"),
            "Import Items should be a map with type entry, got string");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x, service: y}] } }\n"),
            "Detected service \"y\" but already saw a stream");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x, response: stream}] } }\n"),
            "Detected response directive on non-service");
  EXPECT_EQ(tail("accounts { A: { exports: [{service: x, threshold: 5}] } }\n"),
            "Expected response threshold to be a parseable time duration, got int64");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x}] }, B: { imports: [{stream: x}] } }\n"),
            "Stream entry should be an account map, got string");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x}] }, B: { imports: [{stream: {subject: "
                 "x}}] } }\n"),
            "Expect an account name and a subject");
  EXPECT_EQ(tail("accounts { A: { exports: [{stream: x}] }, B: { imports: [{stream: {account: "
                 "A, subject: x}, prefix: p, to: q}] } }\n"),
            "Stream import can not have a 'prefix' and a 'to' property");
  EXPECT_EQ(tail("accounts { A: { exports: [{service: x}, {service: y}] }, B: { imports: "
                 "[{service: {account: A, subject: x}, to: z}, {service: {account: A, subject: "
                 "y}, to: z}] } }\n"),
            "Duplicate service import subject \"z\", previously used in import for account "
            "\"A\", subject \"x\"");
  // Valid for nats-server too: importing from oneself, and an export's subset.
  EXPECT_EQ(error_of("accounts { A: { exports: [{service: x}], imports: [{service: {account: A, "
                     "subject: x}}] } }\n"),
            "no error");
  EXPECT_EQ(error_of("accounts { A: { exports: [{service: \"x.>\"}] }, B: { imports: [{service: "
                     "{account: A, subject: \"x.*\"}, to: \"y.*\"}] } }\n"),
            "no error");
}

TEST(AccountsConfig, NkeyUsersAsNatsServerReadsThem) {
  const char* key = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";
  const auto o = load(std::string{"accounts { A: { users: [{nkey: "} + key + "}] } }\n");
  ASSERT_EQ(o.authorization.users.size(), 1u);
  EXPECT_EQ(o.authorization.users[0].nkey, key);
  EXPECT_EQ(o.authorization.users[0].account, "A");
  EXPECT_TRUE(o.authorization.has_nkeys());
  EXPECT_NE(error_of("authorization { users: [{nkey: \"UBAD\"}] }\n")
                .find("Not a valid public nkey for a user"),
            std::string::npos);
  EXPECT_NE(error_of(std::string{"authorization { users: [{nkey: "} + key + ", user: x}] }\n")
                .find("Nkey users do not take usernames or passwords"),
            std::string::npos);
  EXPECT_NE(
      error_of(std::string{"authorization { users: [{nkey: "} + key + "}, {nkey: " + key + "}] }\n")
          .find("Duplicate nkey \"" + std::string{key} + "\" detected"),
      std::string::npos);
  EXPECT_NE(error_of("authorization { users: [{user: a, password: a}, {user: a, password: b}] }\n")
                .find("Duplicate user \"a\" detected"),
            std::string::npos);
}

// nats-server checks these at startup (not with -t); gnatsd checks them in both.
TEST(AccountsConfig, NoAuthUserAndSystemAccountMustName) {
  EXPECT_EQ(validate(load("no_auth_user: bob\n")),
            "no_auth_user: \"bob\" present, but users are not defined");
  EXPECT_EQ(validate(load("accounts { A: { users: [{user: a, password: a}] } }\n"
                          "no_auth_user: bob\n")),
            "no_auth_user: \"bob\" not present as user in authorization block or account "
            "configuration");
  EXPECT_EQ(validate(load("system_account: NOPE\n")),
            "error resolving system account: account missing");
  EXPECT_EQ(validate(load("no_sys_acc: true\nsystem_account: \"$SYS\"\n")),
            "error resolving system account: account missing");
  EXPECT_EQ(validate(load("accounts { $SYS: {} }\nno_sys_acc: true\n"
                          "system_account: \"$SYS\"\n")),
            "");
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

// Route permissions as nats-server 2.9 reads them: import is publish, export subscribe, both
// written like a user's; no allow_responses; a change needs a restart here.
TEST(Config, ClusterPermissionsAreReadAsNatsServerReadsThem) {
  const auto o = load(R"(cluster { listen: "127.0.0.1:6222"
    permissions { import: "in.>", export: {allow: ["out.>"], deny: ["out.secret"]} } })");
  ASSERT_TRUE(o.cluster.permissions);
  EXPECT_EQ(o.cluster.permissions->publish.allow, (std::vector<std::string>{"in.>"}));
  EXPECT_EQ(o.cluster.permissions->subscribe.allow, (std::vector<std::string>{"out.>"}));
  EXPECT_EQ(o.cluster.permissions->subscribe.deny, (std::vector<std::string>{"out.secret"}));
  EXPECT_TRUE(load(R"(cluster { permissions { publish: "x" } })").cluster.permissions);
  EXPECT_NE(error_of(R"(cluster { permissions: "x" })")
                .find("Expected permissions to be a map/struct, got x"),
            std::string::npos);
  EXPECT_NE(error_of(R"(cluster { permissions { allow_responses: true } })")
                .find("Cluster permissions do not support dynamic responses"),
            std::string::npos);
  EXPECT_EQ(unreloadable_change(o, load(R"(cluster { listen: "127.0.0.1:6222" })")),
            "config reload not supported for Cluster.Permissions");
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

TEST(Config, AccountLimitsAndNkeysAsNatsServerReadsThem) {
  const auto o = load(R"(accounts { A: {
    nkey: ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA
    limits: {max_conn: 3, max_subscriptions: 4, max_payload: 5, max_leafnodes: 6} } })");
  ASSERT_EQ(o.accounts.size(), 1u);
  EXPECT_EQ(o.accounts[0].limits.max_connections, 3);
  EXPECT_EQ(o.accounts[0].limits.max_subscriptions, 4);
  EXPECT_EQ(o.accounts[0].limits.max_payload, 5);
  EXPECT_EQ(o.accounts[0].nkey, "ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA");
  EXPECT_NE(error_of("accounts { A: { nkey: bad } }")
                .find("Not a valid public nkey for an account: \"bad\""),
            std::string::npos);
  // A user key is not an account key.
  EXPECT_NE(
      error_of("accounts { A: { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 } }")
          .find("Not a valid public nkey for an account"),
      std::string::npos);
  EXPECT_NE(error_of("accounts { A: { limits: {foo: 1} } }")
                .find("Unknown field \"foo\" parsing account limits"),
            std::string::npos);
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

// account_token_position: the importer's own name at that token, or the import is refused.
TEST(Config, AccountTokenPositionAuthorizesOnlyTheNamedAccount) {
  const std::string exports =
      R"(accounts { A: { exports: [{stream: "orders.*.>", account_token_position: 2}] }, C: {}, )";
  EXPECT_EQ(load(exports + R"(B: { imports: [{stream: {account: A, subject: "orders.B.>"}}] } })")
                .accounts.size(),
            3u);
  EXPECT_NE(
      error_of(exports + R"(B: { imports: [{stream: {account: A, subject: "orders.C.>"}}] } })")
          .find("Error adding stream import \"orders.C.>\": stream import not authorized"),
      std::string::npos);
  EXPECT_NE(
      error_of(R"(accounts { A: { exports: [{stream: "orders.>", account_token_position: 2}] } })")
          .find("Error adding stream export \"orders.>\": sublist: invalid subject"),
      std::string::npos);
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

// `latency` on a service export: read as nats-server 2.9 reads it, with its errors (each
// text checked with `nats-server -t`).
TEST(Config, ServiceExportLatencyAsNatsServerReadsIt) {
  const auto export_with = [](const std::string& latency, const std::string& more = {}) {
    return R"(accounts { S: { exports: [{service: "svc", )" + latency + "}" + more + "] } }";
  };
  auto o = load(export_with(R"(latency: "lat.svc")"));
  ASSERT_TRUE(o.accounts[0].exports[0].latency);
  EXPECT_EQ(o.accounts[0].exports[0].latency->sampling, 100);
  EXPECT_EQ(o.accounts[0].exports[0].latency->subject, "lat.svc");
  o = load(export_with(R"(latency: {sampling: "42%", subject: lat, foo: 1})"));
  EXPECT_EQ(o.accounts[0].exports[0].latency->sampling, 42);
  o = load(export_with(R"(latency: {sampling: headers, subject: lat})"));
  EXPECT_EQ(o.accounts[0].exports[0].latency->sampling, 0);
  // Only exports before it count: nats-server adds them in order.
  EXPECT_EQ(load(export_with(R"(latency: "q.x")", R"(, {service: "q.>"})")).accounts.size(), 1u);

  const std::vector<std::pair<std::string, std::string>> refused{
      {export_with(R"(latency: "*")"),
       R"(Error adding service latency sampling for "svc" on subject "*": invalid publish subject)"},
      {export_with(R"(latency: {sampling: 100%, subject: svc})"),
       R"(Error adding service latency sampling for "svc" on subject "svc": invalid publish subject)"},
      {export_with(R"(response: stream, latency: "lat")"),
       R"(Error adding service latency sampling for "svc" on subject "lat": bad service response type)"},
      {"no_sys_acc: true\n" + export_with(R"(latency: "lat")"),
       R"(Error adding service latency sampling for "svc": system account not setup)"},
      {export_with(R"(latency: {sampling: 0, subject: lat})"),
       "bad sampling percentage, should be 1-100"},
      {export_with(R"(latency: {sampling: "abc%", subject: lat})"),
       R"(Failed to parse latency sample: strconv.Atoi: parsing "abc": invalid syntax)"},
      {export_with(R"(latency: {sampling: 50})"), "Latency subject required, but missing"},
      {export_with("latency: 5"), "Expected latency entry to be a map/struct or string, got int64"},
      {export_with("latency: {sampling: true, subject: x}"),
       "Expected latency sample to be a string or map/struct, got bool"},
      {export_with("latency: {sampling: headers, subject: 5}"),
       "Expected latency subject to be a string, got string"},
      {R"(accounts { S: { exports: [{stream: "svc", latency: "lat"}] } })",
       "Detected latency directive on non-service"},
  };
  for (const auto& [text, error] : refused)
    EXPECT_NE(error_of(text).find(error), std::string::npos) << text << "\n" << error_of(text);
}

}  // namespace
}  // namespace gnatsd

namespace gnatsd {
namespace {

// gnatsd's own thread options: read from the file, fixed at start, bounded.
TEST(Config, ThreadCountsAreReadAndFixedAtStart) {
  const auto o = load("worker_threads: 8\n");
  EXPECT_EQ(o.worker_threads, 8);
  EXPECT_EQ(unreloadable_change(o, load("worker_threads: 4\n")),
            "config reload not supported for WorkerThreads: old=8, new=4");
  EXPECT_EQ(validate(load("worker_threads: -1")),
            "worker_threads must be between 0 (from the cores) and 1024");
  EXPECT_EQ(validate(load("worker_threads: 2000")),
            "worker_threads must be between 0 (from the cores) and 1024");
}

}  // namespace
}  // namespace gnatsd
