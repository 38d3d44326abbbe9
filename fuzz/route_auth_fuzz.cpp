// Cluster-port authentication fuzz target: a server whose cluster port requires a user and
// password (a bcrypt hash, so that the fuzzer cannot learn it from comparisons) has a
// subscriber to everything and a publisher of a secret; a peer without the password sends the
// fuzz input to the cluster port, in pieces the input chooses. Whatever it sends, it must
// never receive the secret (nor any message, interest or PONG), and nothing it sends may be
// delivered: the subscriber gets exactly the publisher's messages. The production actors on
// the simulated network, deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "fuzz/peer_port_checks.hpp"
#include "sim/world.hpp"
#include "util/assert.hpp"

using gnatsd::fuzz::count;
using gnatsd::fuzz::only_refusals;
using gnatsd::fuzz::secret;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  gnatsd::sim::world w{data[0]};
  gnatsd::server_options o;
  o.port = 4222;
  o.cluster.port = 6222;
  o.cluster.authorization.user = "ruser";
  // bcrypt (cost 4) of a password that appears nowhere else.
  o.cluster.authorization.password = "$2b$04$N3vTDf06vIFsZftBJ.3xBeg6DZiaNaO7lgkreMzhrebHEm9r9uLP6";
  o.cluster.authorization.timeout = std::chrono::milliseconds{200};
  auto& server = w.start_server("10.0.0.1", o);
  auto subscriber = w.connect(server);
  subscriber->send("CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPING\r\n");
  GNATSD_ASSERT(
      w.run_until([&] { return subscriber->received().find("PONG\r\n") != std::string::npos; }));
  auto publisher = w.connect(server);
  publisher->send("CONNECT {\"verbose\":false}\r\n");
  auto hostile = w.network().connect_client("10.0.0.1", 6222);
  GNATSD_ASSERT(hostile != nullptr);
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string pub =
      "PUB secret.data " + std::to_string(std::string{secret}.size()) + "\r\n" + secret + "\r\n";
  const size_t step = 1 + data[0] % 64;
  int published = 0;
  for (size_t at = 0; at < input.size(); at += step) {
    hostile->send(input.substr(at, step));
    publisher->send(pub);
    ++published;
    w.run_for(1'000'000);
  }
  w.run_for(300'000'000);  // past the auth timeout
  publisher->send(pub + "PING\r\n");
  ++published;
  const bool all_delivered = w.run_until([&] {
    return count(subscriber->received(), secret) == static_cast<size_t>(published) &&
           publisher->received().find("PONG\r\n") != std::string::npos;
  });
  GNATSD_ASSERT(all_delivered);
  // Nothing leaked to the peer, and the subscriber got exactly the publisher's messages.
  GNATSD_ASSERT(hostile->received().find(secret) == std::string::npos);
  if (!only_refusals(hostile->received()))
    std::fprintf(stderr, "peer read: %s\n", hostile->received().c_str());
  GNATSD_ASSERT(only_refusals(hostile->received()));
  GNATSD_ASSERT(count(subscriber->received(), "MSG ") == static_cast<size_t>(published));
  GNATSD_ASSERT(count(subscriber->received(), "MSG secret.data 1 18\r\n" + std::string{secret}) ==
                static_cast<size_t>(published));
  return 0;
}
