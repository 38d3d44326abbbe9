// End-to-end tests of TLS: the real gnatsd binary with certificates the test generates
// (openssl), Debian's libnats C client with and without certificates, raw sockets for what
// a plain client sees, and TLS routes between gnatsd servers and with nats-server 2.9.10.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"
#include "../support/run_command.hpp"
#include "../support/test_certificates.hpp"
#include "../support/tls_probe.hpp"

namespace gnatsd::testing {
namespace {

std::vector<std::string> tls_args(bool verify) {
  const auto& c = certificates();
  std::vector<std::string> args = {verify ? "--tlsverify" : "--tls", "--tlscert", c.server_cert,
                                   "--tlskey", c.server_key};
  if (verify) args.insert(args.end(), {"--tlscacert", c.ca});
  args.push_back("-D");
  return local_args(args);
}

struct client_identity {
  std::string cert, key;  // empty: present no certificate
};

// Connects with libnats over TLS, trusting the test CA; returns null when it fails.
// `should_connect` false expects a refusal (libnats reports it as an SSL or a protocol
// error depending on when in the TLS 1.3 handshake it learns of it).
conn_ptr connect_tls(const server_process& s, const client_identity& id, bool should_connect = true,
                     bool secure = true) {
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetMaxReconnect(raw, 0);
  if (secure) {
    EXPECT_EQ(natsOptions_SetSecure(raw, true), NATS_OK) << "libnats built without TLS";
    EXPECT_EQ(natsOptions_LoadCATrustedCertificates(raw, certificates().ca.c_str()), NATS_OK);
    natsOptions_SetExpectedHostname(raw, "localhost");
    if (!id.cert.empty()) {
      EXPECT_EQ(natsOptions_LoadCertificatesChain(raw, id.cert.c_str(), id.key.c_str()), NATS_OK);
    }
  }
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, raw);
  EXPECT_EQ(st == NATS_OK, should_connect) << natsStatus_GetText(st) << "\n" << s.log();
  return conn_ptr{nc};
}

// Publishes one message on `nc` and receives it on the same connection.
void expect_round_trip(natsConnection* nc, const char* subject) {
  auto sub = subscribe(nc, subject);
  ASSERT_EQ(natsConnection_PublishString(nc, subject, "over tls"), NATS_OK);
  natsConnection_FlushTimeout(nc, 5000);
  auto m = next(sub.get());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(data_of(m), "over tls");
}

TEST(TlsE2E, LibnatsClientsTalkOverTlsAndInfoSaysTlsRequired) {
  const int http = free_port();
  auto args = tls_args(false);
  args.insert(args.end(), {"-m", std::to_string(http)});
  server_process s{gnatsd_binary(), args};
  EXPECT_TRUE(s.wait_for_log("TLS required for client connections"));
  raw_client probe{s.port()};
  const std::string info = probe.read_until("\r\n");
  EXPECT_NE(info.find("\"tls_required\":true"), std::string::npos) << info;
  EXPECT_EQ(info.find("tls_verify"), std::string::npos) << info;

  auto a = connect_tls(s, {});
  auto b = connect_tls(s, {});
  ASSERT_TRUE(a && b);
  auto sub = subscribe(b.get(), "secure.>");
  natsConnection_FlushTimeout(b.get(), 5000);
  // Enough bytes that writes span several TLS records and read buffers.
  const std::string big(100 * 1024, 'x');
  for (int i = 0; i < 50; ++i)
    natsConnection_Publish(a.get(), "secure.big", big.data(), static_cast<int>(big.size()));
  natsConnection_FlushTimeout(a.get(), 10000);
  for (int i = 0; i < 50; ++i) {
    auto m = next(sub.get(), 10000);
    ASSERT_NE(m, nullptr) << "message " << i;
    EXPECT_EQ(data_of(m), big);
  }
  EXPECT_TRUE(s.wait_for_log("TLS handshake complete"));
  EXPECT_TRUE(s.wait_for_log("TLS version 1."));
  // Monitoring shows each TLS client's protocol version and cipher suite, as nats-server.
  const std::string connz = http_get(http, "/connz");
  EXPECT_NE(connz.find("\"tls_version\": \"1.3\""), std::string::npos) << connz;
  EXPECT_NE(connz.find("\"tls_cipher_suite\": \"TLS_"), std::string::npos) << connz;
  const std::string varz = http_get(http, "/varz");
  EXPECT_NE(varz.find("\"tls_required\": true"), std::string::npos) << varz;
  EXPECT_NE(varz.find("\"tls_timeout\": 2.0"), std::string::npos) << varz;
}

TEST(TlsE2E, PlainClientOnTheTlsPortIsClosedWithNothingWrittenAfterInfo) {
  server_process s{gnatsd_binary(), tls_args(false)};
  raw_client plain{s.port()};
  const std::string info = plain.read_until("\r\n");
  plain.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
  EXPECT_TRUE(plain.wait_closed());
  EXPECT_EQ(plain.received(), info) << "nothing may follow the INFO";
  EXPECT_TRUE(
      s.wait_for_log("TLS handshake error: tls: first record does not look like a TLS handshake"));
  EXPECT_TRUE(s.wait_for_log("Client connection closed: TLS Handshake Failure"));
  // A forged TLS record header followed by junk: a handshake error and a close, nothing else.
  raw_client forged{s.port()};
  forged.read_until("\r\n");
  std::string junk = std::string{"\x16\x03\x01\x02\x00", 5};
  for (int i = 0; i < 600; ++i)
    junk += static_cast<char>((i * 131 + 7) & 0xff);
  forged.send(junk);
  EXPECT_TRUE(forged.wait_closed());
  EXPECT_EQ(forged.received().find("-ERR"), std::string::npos) << forged.received();
  // libnats without TLS options sees tls_required and tries TLS without our CA: refused.
  connect_tls(s, {}, false, false);
  EXPECT_TRUE(s.wait_for_log("TLS handshake error: tlsv1 alert unknown ca"));
  // Other clients were not affected.
  auto ok = connect_tls(s, {});
  ASSERT_TRUE(ok);
  expect_round_trip(ok.get(), "still.fine");
}

TEST(TlsE2E, SilentClientIsClosedAfterTheTlsTimeout) {
  const auto& c = certificates();
  const auto conf =
      write_config("tls_timeout.conf", "tls { cert_file: \"" + c.server_cert + "\", key_file: \"" +
                                           c.server_key + "\", timeout: 0.5 }\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  raw_client silent{s.port()};
  const std::string info = silent.read_until("\r\n");
  EXPECT_TRUE(silent.wait_closed());
  EXPECT_EQ(silent.received(), info);
  EXPECT_TRUE(s.wait_for_log("TLS handshake error: i/o timeout"));
}

TEST(TlsE2E, VerifyAcceptsOnlyClientCertificatesFromTheCa) {
  server_process s{gnatsd_binary(), tls_args(true)};
  raw_client probe{s.port()};
  const std::string info = probe.read_until("\r\n");
  EXPECT_NE(info.find("\"tls_required\":true,\"tls_verify\":true"), std::string::npos) << info;

  const auto& c = certificates();
  auto good = connect_tls(s, {c.client_cert, c.client_key});
  ASSERT_TRUE(good);
  expect_round_trip(good.get(), "verified");
  // No certificate, or one from another CA: the handshake fails and the server says why.
  // (With TLS 1.3 the client may learn of the refusal only on its first read.)
  auto none = connect_tls(s, {}, false);
  EXPECT_TRUE(s.wait_for_log("TLS handshake error: tls: client didn't provide a certificate"));
  auto rogue = connect_tls(s, {c.rogue_cert, c.rogue_key}, false);
  EXPECT_TRUE(s.wait_for_log("certificate verify failed"));
  expect_round_trip(good.get(), "verified.again");
}

TEST(TlsE2E, VerifyAndMapLogsClientsInAsTheUserTheirCertificateNames) {
  const auto& c = certificates();
  const auto conf = write_config(
      "map.conf", "tls { cert_file: \"" + c.server_cert + "\", key_file: \"" + c.server_key +
                      "\", ca_file: \"" + c.ca +
                      "\", verify_and_map: true }\n"
                      "authorization { users = [\n"
                      "  { user: \"alice@example.com\", permissions: { publish: \"a.>\" } }\n"
                      "  { user: \"O=acme, OU=eng, CN=bob\" }\n"
                      "  { user: dave, password: secret }\n] }\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  // alice by the email in her certificate, with her permissions; no password asked.
  auto alice = connect_tls(s, {c.alice_cert, c.alice_key});
  ASSERT_TRUE(alice);
  expect_round_trip(alice.get(), "a.ok");
  EXPECT_TRUE(s.wait_for_log("Using email found in cert for auth [\"alice@example.com\"]"));
  natsConnection_PublishString(alice.get(), "b.denied", "x");
  natsConnection_FlushTimeout(alice.get(), 5000);
  EXPECT_TRUE(
      s.wait_for_log("Publish Violation - User \"alice@example.com\", Subject \"b.denied\""));
  // bob by his subject, written in another order than Go prints it.
  auto bob = connect_tls(s, {c.bob_cert, c.bob_key});
  ASSERT_TRUE(bob);
  expect_round_trip(bob.get(), "anything");
  EXPECT_TRUE(s.wait_for_log("Using DistinguishedNameMatch for auth [\"O=acme, OU=eng, CN=bob\"]"));
  // A certificate naming no user is refused, and so is a password login as another user.
  auto nobody = connect_tls(s, {c.client_cert, c.client_key}, false);
  EXPECT_TRUE(s.wait_for_log("User in cert [\"CN=client\"], not found"));
  EXPECT_TRUE(s.wait_for_log("authentication error - User \"\""));
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetMaxReconnect(raw, 0);
  natsOptions_SetSecure(raw, true);
  natsOptions_LoadCATrustedCertificates(raw, c.ca.c_str());
  natsOptions_SetExpectedHostname(raw, "localhost");
  natsOptions_LoadCertificatesChain(raw, c.alice_cert.c_str(), c.alice_key.c_str());
  natsOptions_SetUserInfo(raw, "dave", "secret");
  natsConnection* nc = nullptr;
  EXPECT_NE(natsConnection_Connect(&nc, raw), NATS_OK);
  conn_ptr dave{nc};
  EXPECT_TRUE(
      s.wait_for_log("[WRN] User \"dave\" found in connect proto, but user required from cert"));
  EXPECT_TRUE(s.wait_for_log("authentication error - User \"alice@example.com\""));
  expect_round_trip(alice.get(), "a.still");
}

TEST(TlsE2E, PinnedCertsAdmitOnlyThePinnedClientKeys) {
  const auto& c = certificates();
  const std::string alice = key_id_of(c.alice_cert), bob = key_id_of(c.bob_cert);
  ASSERT_EQ(alice.size(), 64u);
  const auto conf =
      write_config("pinned.conf", "tls { cert_file: \"" + c.server_cert + "\", key_file: \"" +
                                      c.server_key + "\", ca_file: \"" + c.ca +
                                      "\", verify: true, pinned_certs: [\"" + alice + "\"] }\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  auto pinned = connect_tls(s, {c.alice_cert, c.alice_key});
  ASSERT_TRUE(pinned);
  expect_round_trip(pinned.get(), "pinned");
  // Signed by the same CA but not pinned: refused after the handshake, as nats-server does.
  auto other = connect_tls(s, {c.bob_cert, c.bob_key}, false);
  EXPECT_TRUE(s.wait_for_log("Failed pinned cert test for key id: " + bob)) << s.log();
  EXPECT_TRUE(s.wait_for_log("TLS handshake error: certificate not pinned"));
  EXPECT_TRUE(s.wait_for_log("Client connection closed: TLS Handshake Failure"));
  expect_round_trip(pinned.get(), "still.pinned");
}

TEST(TlsE2E, CipherSuitesAndCurvePreferencesAreApplied) {
  const auto& c = certificates();
  const auto conf =
      write_config("tls_ciphers.conf",
                   "tls { cert_file: \"" + c.server_cert + "\", key_file: \"" + c.server_key +
                       "\", cipher_suites: [\"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305\"], "
                       "curve_preferences: [\"CurveP384\"] }\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  // TLS 1.2 gets the one suite allowed (Go's name for it lacks the _SHA256).
  const auto tls12 = tls_probe(s.port(), c.ca, true);
  ASSERT_TRUE(tls12.ok);
  EXPECT_EQ(tls12.version, "TLSv1.2");
  EXPECT_EQ(tls12.cipher, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  // TLS 1.3 suites are not configurable, as in Go.
  const auto tls13 = tls_probe(s.port(), c.ca, false);
  ASSERT_TRUE(tls13.ok);
  EXPECT_EQ(tls13.version, "TLSv1.3");
  // Names nats-server does not know are refused with its text.
  const auto bad = write_config(
      "tls_badcipher.conf", "tls { cert_file: a, key_file: b, cipher_suites: [\"TLS_BOGUS\"] }\n");
  EXPECT_NE(run_gnatsd("-t -c " + bad).output.find("unrecognized cipher TLS_BOGUS"),
            std::string::npos);
}

TEST(TlsE2E, MissingCertificateFilesAreReportedLikeNatsServer) {
  const auto conf = write_config("tls_missing.conf",
                                 "tls { cert_file: \"/nonexistent/cert.pem\", key_file: "
                                 "\"/nonexistent/key.pem\" }\n");
  const auto nokey = write_config("tls_nokey.conf", "tls { cert_file: \"x.pem\" }\n");
  const auto bogus = write_config("tls_bogus.conf",
                                  "tls { cert_file: \"x.pem\", key_file: \"y.pem\", bogus: 1 }\n");
  EXPECT_EQ(run_gnatsd("-t -c " + conf).code, 1);
  EXPECT_NE(run_gnatsd("-t -c " + conf)
                .output.find(
                    "error parsing X509 certificate/key pair: open /nonexistent/cert.pem: no such "
                    "file or directory"),
            std::string::npos);
  EXPECT_NE(run_gnatsd("-t -c " + nokey).output.find("missing 'key_file' in TLS configuration"),
            std::string::npos);
  EXPECT_NE(run_gnatsd("-t -c " + bogus)
                .output.find("error parsing tls config, unknown field [\"bogus\"]"),
            std::string::npos);
  // A file that exists but is no certificate: refused when the listener opens.
  const auto garbage = write_config("garbage.pem", "not a certificate\n");
  const auto r = run_gnatsd("-a 127.0.0.1 -p -1 --tlscert " + garbage + " --tlskey " + garbage);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("error parsing X509 certificate/key pair"), std::string::npos)
      << r.output;
}

TEST(TlsE2E, AReloadRotatesTheCertificateAndTurnsTlsOnAndOff) {
  const auto& c = certificates();
  auto tls_config = [&](const std::string& cert, const std::string& key) {
    return "tls { cert_file: \"" + cert + "\", key_file: \"" + key + "\" }\n";
  };
  const auto conf = write_config("rotate.conf", tls_config(c.server_cert, c.server_key));
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  const int port = s.port();
  auto before = connect_tls(s, {});
  ASSERT_TRUE(before);
  EXPECT_EQ(tls_probe(port, c.ca, false).subject, "/CN=server");

  // A rotated certificate serves new connections; open ones carry on.
  write_config("rotate.conf", tls_config(c.next_server_cert, c.next_server_key));
  ::kill(s.pid(), SIGHUP);
  ASSERT_TRUE(s.wait_for_log("Reloaded: tls = enabled")) << s.log();
  EXPECT_TRUE(s.wait_for_log("Reloaded server configuration"));
  EXPECT_EQ(tls_probe(port, c.ca, false).subject, "/CN=server-next");
  expect_round_trip(before.get(), "rotated");

  // TLS off: new clients get a plain INFO and talk in clear; the TLS client is unaffected.
  write_config("rotate.conf", "# no tls\n");
  ::kill(s.pid(), SIGHUP);
  ASSERT_TRUE(s.wait_for_log("Reloaded: tls = disabled")) << s.log();
  raw_client plain{port};
  EXPECT_EQ(plain.read_until("\r\n").find("tls_required"), std::string::npos);
  auto clear = connect(s);
  ASSERT_TRUE(clear);
  expect_round_trip(clear.get(), "in.clear");
  expect_round_trip(before.get(), "still.tls");

  // A certificate that does not load refuses the whole reload: TLS stays off.
  const auto garbage = write_config("not-a-cert.pem", "garbage\n");
  write_config("rotate.conf", tls_config(garbage, garbage) + "max_payload: 100\n");
  ::kill(s.pid(), SIGHUP);
  EXPECT_TRUE(s.wait_for_log("Failed to reload server configuration: error parsing X509"))
      << s.log();
  raw_client after{port};
  const std::string info = after.read_until("\r\n");
  EXPECT_EQ(info.find("tls_required"), std::string::npos) << info;
  EXPECT_NE(info.find("\"max_payload\":1048576"), std::string::npos) << info;
}

// -- https monitoring ------------------------------------------------------------------------

TEST(TlsE2E, HttpsMonitoringServesTheEndpointsOverTls) {
  const int https = free_port();
  const std::string dir = "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_https";
  std::filesystem::create_directories(dir);
  auto args = tls_args(false);
  args.insert(args.end(), {"-ms", std::to_string(https), "--ports_file_dir", dir});
  server_process s{gnatsd_binary(), args};
  EXPECT_TRUE(s.wait_for_log("Starting https monitor on 127.0.0.1:" + std::to_string(https)));

  const std::string varz = https_get(https, "/varz", certificates().ca);
  EXPECT_EQ(varz.rfind("HTTP/1.1 200", 0), 0u) << varz;
  EXPECT_NE(varz.find("\"https_port\": " + std::to_string(https)), std::string::npos) << varz;
  EXPECT_NE(varz.find("\"http_port\": 0"), std::string::npos) << varz;
  EXPECT_NE(https_get(https, "/connz", certificates().ca).find("\"num_connections\""),
            std::string::npos);
  // Plain HTTP on the HTTPS port gets Go's answer, and the port keeps serving.
  int status = 0;
  EXPECT_EQ(http_get(https, "/varz", &status), "Client sent an HTTP request to an HTTPS server.\n");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(https_get(https, "/healthz", certificates().ca).rfind("HTTP/1.1 200", 0), 0u);

  // The ports file lists TLS listeners with nats-server's schemes.
  const std::string ports = dir + "/gnatsd_" + std::to_string(s.pid()) + ".ports";
  std::string json;
  for (int i = 0; i < 500 && json.find("monitoring") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    std::ifstream in{ports};
    json.assign(std::istreambuf_iterator<char>{in}, {});
  }
  EXPECT_NE(json.find("\"nats\":[\"tls://127.0.0.1:" + std::to_string(s.port()) + "\"]"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"monitoring\":[\"https://127.0.0.1:" + std::to_string(https) + "\"]"),
            std::string::npos)
      << json;
}

TEST(TlsE2E, HttpsMonitoringNeedsACertificateAndExcludesHttp) {
  const auto both =
      run_gnatsd("-a 127.0.0.1 -p -1 -m 18222 -ms 18223 --tlscert " + certificates().server_cert +
                 " --tlskey " + certificates().server_key);
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(both.output.find(
                "[FTL] Can't start monitoring: can't specify both HTTP (18222) and HTTPs (18223) "
                "ports"),
            std::string::npos)
      << both.output;
  const auto plain = run_gnatsd("-a 127.0.0.1 -p -1 -ms 18223");
  EXPECT_EQ(plain.code, 1);
  EXPECT_NE(plain.output.find("[FTL] Can't start monitoring: TLS cert and key required for HTTPS"),
            std::string::npos)
      << plain.output;
  // The config file's keys, as nats-server reads them.
  const auto conf = write_config("https.conf", "https: \"127.0.0.1:18223\"\nhttp_port: 18222\n");
  EXPECT_EQ(run_gnatsd("-c " + conf).code, 1);
}

// -- routes ----------------------------------------------------------------------------------

std::string cluster_tls_block(const std::string& cert, const std::string& key) {
  return "  tls { cert_file: \"" + cert + "\", key_file: \"" + key + "\", ca_file: \"" +
         certificates().ca + "\", timeout: 2 }\n";
}

// A config with a TLS cluster on `route_port`, soliciting `routes`.
std::string tls_cluster_config(const std::string& name, int route_port,
                               const std::vector<int>& routes, const std::string& cert = {},
                               const std::string& key = {}) {
  const auto& c = certificates();
  std::string text = "cluster {\n  listen: 127.0.0.1:" + std::to_string(route_port) + "\n";
  if (!routes.empty()) {
    text += "  routes: [";
    for (int r : routes)
      text += " \"nats://127.0.0.1:" + std::to_string(r) + "\"";
    text += " ]\n";
  }
  text += cluster_tls_block(cert.empty() ? c.server_cert : cert, key.empty() ? c.server_key : key);
  return write_config(name, text + "}\n");
}

TEST(TlsE2E, TwoGnatsdServersFormATlsRoute) {
  const int ra = free_port(), rb = free_port();
  server_process a{gnatsd_binary(), local_args({"-c", tls_cluster_config("ra.conf", ra, {}), "-D",
                                                "-m", std::to_string(free_port())})};
  server_process b{gnatsd_binary(), local_args({"-c", tls_cluster_config("rb.conf", rb, {ra}), "-D",
                                                "-m", std::to_string(free_port())})};
  ASSERT_TRUE(wait_mesh({&a, &b})) << a.log() << b.log();
  EXPECT_TRUE(a.wait_for_log("Starting TLS route server handshake"));
  EXPECT_TRUE(b.wait_for_log("Starting TLS route client handshake"));
  EXPECT_TRUE(a.wait_for_log("TLS handshake complete"));

  auto ca = connect(a);
  auto cb = connect(b);
  auto on_b = subscribe(cb.get(), "over.route");
  EXPECT_EQ(publish_and_receive(ca.get(), on_b.get(), "over.route", 100), 100);
}

TEST(TlsE2E, AReloadRotatesTheRouteCertificate) {
  const auto& c = certificates();
  const int ra = free_port(), rb = free_port(), rc = free_port();
  const auto a_conf = tls_cluster_config("rot_a.conf", ra, {});
  server_process a{gnatsd_binary(),
                   local_args({"-c", a_conf, "-D", "-m", std::to_string(free_port())})};
  server_process b{gnatsd_binary(), local_args({"-c", tls_cluster_config("rot_b.conf", rb, {ra}),
                                                "-D", "-m", std::to_string(free_port())})};
  ASSERT_TRUE(wait_mesh({&a, &b})) << a.log() << b.log();
  auto subject = [&] {
    return tls_probe(ra, c.ca, false, false, c.client_cert, c.client_key).subject;
  };
  EXPECT_EQ(subject(), "/CN=server");

  tls_cluster_config("rot_a.conf", ra, {}, c.next_server_cert, c.next_server_key);
  ::kill(a.pid(), SIGHUP);
  ASSERT_TRUE(a.wait_for_log("Reloaded: cluster")) << a.log();
  EXPECT_TRUE(a.wait_for_log("Reloaded server configuration"));
  EXPECT_EQ(subject(), "/CN=server-next");
  // The route that was up carries on, and a new server joins over the new certificate.
  server_process n{gnatsd_binary(), local_args({"-c", tls_cluster_config("rot_c.conf", rc, {ra}),
                                                "-D", "-m", std::to_string(free_port())})};
  ASSERT_TRUE(wait_mesh({&a, &b, &n})) << a.log() << n.log();
  auto cn = connect(n);
  auto cb = connect(b);
  auto sub = subscribe(cb.get(), "rotated");
  EXPECT_EQ(publish_and_receive(cn.get(), sub.get(), "rotated", 10), 10);
  auto ca_conn = connect(a);
  EXPECT_EQ(publish_and_receive(ca_conn.get(), sub.get(), "rotated", 10), 10);
}

TEST(TlsE2E, AReloadChangesBothPortsCertificatesOrNeither) {
  const auto& c = certificates();
  const int route = free_port();
  auto config = [&](const std::string& client_cert, const std::string& client_key,
                    const std::string& route_cert, const std::string& route_key) {
    return "tls { cert_file: \"" + client_cert + "\", key_file: \"" + client_key + "\" }\n" +
           "cluster {\n  listen: 127.0.0.1:" + std::to_string(route) + "\n" +
           cluster_tls_block(route_cert, route_key) + "}\n";
  };
  const auto conf =
      write_config("both.conf", config(c.server_cert, c.server_key, c.server_cert, c.server_key));
  server_process s{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  // A good new client certificate with a route certificate that does not load: refused, and
  // the client port still presents the old certificate.
  const auto garbage = write_config("not-a-route-cert.pem", "garbage\n");
  write_config("both.conf", config(c.next_server_cert, c.next_server_key, garbage, garbage));
  ::kill(s.pid(), SIGHUP);
  EXPECT_TRUE(s.wait_for_log("Failed to reload server configuration: error parsing X509"))
      << s.log();
  EXPECT_EQ(tls_probe(s.port(), c.ca, false).subject, "/CN=server");
  EXPECT_EQ(s.log().find("Reloaded: tls"), std::string::npos) << s.log();
}

TEST(TlsE2E, PinnedCertsOnTheClusterRefuseRoutesWithOtherKeys) {
  const auto& c = certificates();
  const int ra = free_port(), rb = free_port();
  const auto conf = write_config(
      "pinned_route.conf", "cluster {\n  listen: 127.0.0.1:" + std::to_string(ra) +
                               "\n  tls { cert_file: \"" + c.server_cert + "\", key_file: \"" +
                               c.server_key + "\", ca_file: \"" + c.ca + "\", pinned_certs: [\"" +
                               key_id_of(c.next_server_cert) + "\"] }\n}\n");
  server_process a{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  server_process b{gnatsd_binary(),
                   local_args({"-c", tls_cluster_config("pinned_b.conf", rb, {ra}), "-D"})};
  EXPECT_TRUE(a.wait_for_log("TLS route handshake error: certificate not pinned")) << a.log();
  EXPECT_TRUE(a.wait_for_log("Failed pinned cert test for key id: " + key_id_of(c.server_cert)));
  // A peer presenting the pinned key joins.
  server_process n{gnatsd_binary(),
                   local_args({"-c",
                               tls_cluster_config("pinned_n.conf", free_port(), {ra},
                                                  c.next_server_cert, c.next_server_key),
                               "-D"})};
  EXPECT_TRUE(n.wait_for_log("Registering remote route")) << n.log() << a.log();
}

TEST(TlsE2E, AnInsecureRouteDialSkipsVerifyingTheServer) {
  const auto& c = certificates();
  const int ra = free_port(), rb = free_port();
  server_process a{gnatsd_binary(),
                   local_args({"-c", tls_cluster_config("ia.conf", ra, {}), "-D"})};
  // B trusts only the other CA, so it could not verify A's certificate; with `insecure` it
  // does not try. A still verifies B's certificate, which our CA signed.
  const auto conf =
      write_config("ib.conf", "cluster {\n  listen: 127.0.0.1:" + std::to_string(rb) +
                                  "\n  routes: [\"nats://127.0.0.1:" + std::to_string(ra) +
                                  "\"]\n  tls { cert_file: \"" + c.server_cert +
                                  "\", key_file: \"" + c.server_key + "\", ca_file: \"" + c.dir +
                                  "/rogue-ca.pem\", insecure: true }\n}\n");
  server_process b{gnatsd_binary(), local_args({"-c", conf, "-D"})};
  EXPECT_TRUE(b.wait_for_log("Registering remote route")) << a.log() << b.log();
}

TEST(TlsE2E, RoutesWithoutTlsOrWithAnUntrustedCertificateAreRefused) {
  const auto& c = certificates();
  const int ra = free_port();
  server_process a{gnatsd_binary(),
                   local_args({"-c", tls_cluster_config("rx.conf", ra, {}), "-D"})};
  // A plain route: it speaks first in clear, which is no TLS handshake.
  server_process plain{gnatsd_binary(),
                       local_args({"-cluster", "nats://127.0.0.1:" + std::to_string(free_port()),
                                   "-routes", "nats://127.0.0.1:" + std::to_string(ra)})};
  EXPECT_TRUE(a.wait_for_log(
      "TLS route handshake error: tls: first record does not look like a TLS handshake"));
  EXPECT_TRUE(a.wait_for_log("Route connection closed: TLS Handshake Failure"));
  // A route whose certificate another CA signed.
  server_process rogue{gnatsd_binary(),
                       local_args({"-c", tls_cluster_config("rr.conf", free_port(), {ra},
                                                            c.rogue_cert, c.rogue_key)})};
  EXPECT_TRUE(a.wait_for_log("certificate verify failed"));
  EXPECT_EQ(a.log().find("Registering remote route"), std::string::npos) << a.log();
}

TEST(TlsE2E, TlsRoutesInteroperateWithNatsServerFromEitherSide) {
  const int r_seed = free_port(), r_g = free_port(), r_n2 = free_port();
  // nats-server seed <- gnatsd (gnatsd dials TLS) <- nats-server n2 (nats-server dials gnatsd).
  server_process seed{
      nats_server_binary(),
      {"-a", "127.0.0.1", "-p", std::to_string(free_port()), "-c",
       tls_cluster_config("ns_seed.conf", r_seed, {}), "-D", "-m", std::to_string(free_port())}};
  server_process g{gnatsd_binary(), local_args({"-c", tls_cluster_config("g.conf", r_g, {r_seed}),
                                                "-D", "-m", std::to_string(free_port())})};
  server_process n2{
      nats_server_binary(),
      {"-a", "127.0.0.1", "-p", std::to_string(free_port()), "-c",
       tls_cluster_config("ns_n2.conf", r_n2, {r_g}), "-D", "-m", std::to_string(free_port())}};
  ASSERT_TRUE(wait_mesh({&seed, &g, &n2})) << seed.log() << g.log() << n2.log();
  EXPECT_NE(seed.log().find("TLS handshake complete"), std::string::npos);
  EXPECT_NE(n2.log().find("TLS handshake complete"), std::string::npos);

  auto c_seed = connect(seed);
  auto c_g = connect(g);
  auto c_n2 = connect(n2);
  auto on_g = subscribe(c_g.get(), "to.gnatsd");
  EXPECT_EQ(publish_and_receive(c_seed.get(), on_g.get(), "to.gnatsd", 100), 100);
  auto on_n2 = subscribe(c_n2.get(), "to.nats");
  EXPECT_EQ(publish_and_receive(c_g.get(), on_n2.get(), "to.nats", 100), 100)
      << g.log() << n2.log();
}

}  // namespace
}  // namespace gnatsd::testing
