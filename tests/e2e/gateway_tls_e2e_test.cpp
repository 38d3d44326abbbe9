// End-to-end tests of gateways over TLS: TLS from the first byte with certificates verified
// on both sides, as nats-server's gateways do, between gnatsd and nats-server clusters both
// ways; a peer without TLS on a TLS gateway port is refused and reaches no subscriber.
#include <gtest/gtest.h>

#include <string>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"
#include "../support/test_certificates.hpp"

namespace gnatsd::testing {
namespace {

std::string tls_gateway_config(const std::string& name, int client, int gw, int other_gw,
                               const std::string& other, bool tls = true) {
  const auto& c = certificates();
  const std::string block = tls ? "  tls { cert_file: \"" + c.server_cert + "\", key_file: \"" +
                                      c.server_key + "\", ca_file: \"" + c.ca + "\" }\n"
                                : "";
  return "listen: 127.0.0.1:" + std::to_string(client) + "\ngateway {\n  name: " + name +
         "\n  listen: 127.0.0.1:" + std::to_string(gw) + "\n" + block +
         "  gateways: [{name: " + other + ", url: \"nats://127.0.0.1:" + std::to_string(other_gw) +
         "\"}]\n}\n";
}

TEST(GatewayTlsE2E, TlsGatewaysJoinGnatsdAndNatsServerBothWays) {
  const std::string g = gnatsd_binary(), n = nats_server_binary();
  for (const auto& [a_bin, b_bin] : {std::pair{g, n}, std::pair{n, g}, std::pair{g, g}}) {
    const int ca = free_port(), cb = free_port(), ga = free_port(), gb = free_port();
    server_process a{a_bin,
                     {"-c", write_config("gwtls_a_" + std::to_string(ca) + ".conf",
                                         tls_gateway_config("A", ca, ga, gb, "B"))}};
    server_process b{b_bin,
                     {"-c", write_config("gwtls_b_" + std::to_string(cb) + ".conf",
                                         tls_gateway_config("B", cb, gb, ga, "A"))}};
    ASSERT_TRUE(a.wait_for_log("Outbound gateway connection to \"B\"", std::chrono::seconds{20}))
        << a_bin << " and " << b_bin << ":\n"
        << a.log() << "\n"
        << b.log();
    ASSERT_TRUE(b.wait_for_log("Outbound gateway connection to \"A\"", std::chrono::seconds{20}))
        << b.log();
    auto sub_conn = connect(b);
    auto sub = subscribe(sub_conn.get(), "secure");
    auto pub = connect(a);
    EXPECT_EQ(publish_and_receive(pub.get(), sub.get(), "secure", 20), 20)
        << a_bin << " -> " << b_bin;
  }
}

TEST(GatewayTlsE2E, APlainGatewayCannotJoinATlsOne) {
  const int ca = free_port(), cb = free_port(), ga = free_port(), gb = free_port();
  server_process a{gnatsd_binary(),
                   {"-c", write_config("gwtls_plain_a_" + std::to_string(ca) + ".conf",
                                       tls_gateway_config("A", ca, ga, gb, "B"))}};
  server_process b{nats_server_binary(),
                   {"-c", write_config("gwtls_plain_b_" + std::to_string(cb) + ".conf",
                                       tls_gateway_config("B", cb, gb, ga, "A", false))}};
  // The plain server's outbound reaches the TLS port and fails there; the TLS server's
  // outbound reaches a plain port and fails too: no gateway registers on either side.
  EXPECT_TRUE(a.wait_for_log("TLS gateway handshake error", std::chrono::seconds{20})) << a.log();
  EXPECT_EQ(a.log().find("gateway connection from \"B\""), std::string::npos) << a.log();
  EXPECT_EQ(b.log().find("gateway connection from \"A\""), std::string::npos) << b.log();
}

}  // namespace
}  // namespace gnatsd::testing
