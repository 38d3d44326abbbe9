// End-to-end tests of cluster `permissions { import, export }`: a server with them beside a
// gnatsd peer, once as gnatsd and once as Debian's nats-server 2.9.10 on the same config, with
// libnats clients on both sides; both must deliver the same.
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <string>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

// What crossed the route each way when the server with permissions runs `binary`: its
// subscriber to other.x and in.x (only in.> may be imported), the peer's to secret.y and
// out.y (only out.> may be exported to it).
std::string crossing(const std::string& binary) {
  const int a_client = free_port(), b_client = free_port();
  const int a_cluster = free_port(), b_cluster = free_port();
  server_process a{
      binary,
      {"-c",
       write_config("perm_a_" + std::to_string(a_client) + ".conf",
                    "listen: 127.0.0.1:" + std::to_string(a_client) +
                        "\ncluster { name: perm, listen: 127.0.0.1:" + std::to_string(a_cluster) +
                        ", permissions { import: \"in.>\", export: {allow: [\"out.>\"]} } }\n")}};
  server_process b{
      gnatsd_binary(),
      {"-c",
       write_config("perm_b_" + std::to_string(b_client) + ".conf",
                    "listen: 127.0.0.1:" + std::to_string(b_client) +
                        "\ncluster { name: perm, listen: 127.0.0.1:" + std::to_string(b_cluster) +
                        ", routes: [nats://127.0.0.1:" + std::to_string(a_cluster) + "] }\n")}};
  auto on_a = connect(a);
  auto on_b = connect(b);
  std::string out;
  // Into A: other.x is subscribed first, so its interest would travel ahead of in.x's.
  auto other = subscribe(on_a.get(), "other.x");
  auto in = subscribe(on_a.get(), "in.x");
  natsConnection_Flush(on_a.get());
  wait_for_interest(on_b.get(), in.get(), "in.x");
  natsConnection_PublishString(on_b.get(), "other.x", "leak");
  natsConnection_PublishString(on_b.get(), "in.x", "end");
  natsConnection_Flush(on_b.get());
  out += "in.x " + std::to_string(receive(in.get(), 1)) + ", other.x " +
         std::to_string(drain(other.get(), 300)) + "\n";
  // Out of A: B asks for secret.y first, then out.y.
  auto secret = subscribe(on_b.get(), "secret.y");
  auto outy = subscribe(on_b.get(), "out.y");
  natsConnection_Flush(on_b.get());
  wait_for_interest(on_a.get(), outy.get(), "out.y");
  natsConnection_PublishString(on_a.get(), "secret.y", "leak");
  natsConnection_PublishString(on_a.get(), "out.y", "end");
  natsConnection_Flush(on_a.get());
  out += "out.y " + std::to_string(receive(outy.get(), 1)) + ", secret.y " +
         std::to_string(drain(secret.get(), 300)) + "\n";
  return out;
}

TEST(RoutePermissionsE2E, ImportAndExportFilterWhatCrossesAsInNatsServer) {
  const std::string theirs = crossing(nats_server_binary());
  EXPECT_EQ(theirs, "in.x 1, other.x 0\nout.y 1, secret.y 0\n");
  EXPECT_EQ(crossing(gnatsd_binary()), theirs);
}

}  // namespace
}  // namespace gnatsd::testing
