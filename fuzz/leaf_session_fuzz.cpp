// Leafnode-port fuzz target: a hub whose leafnode port requires a user and password (a
// bcrypt hash, so that the fuzzer cannot learn it from comparisons) has a subscriber to
// everything and a publisher of a secret. A peer sends the fuzz input to the leafnode port,
// in pieces the input chooses; if the first byte is odd the input follows a valid CONNECT (a
// logged-in leaf sending garbage, interest, messages, loop subjects, INFOs). Whatever it
// sends: the server keeps serving its clients (the subscriber gets every published secret);
// before a valid CONNECT the peer reads nothing but the INFO, a PING and the refusal, never
// a message, and nothing it sent is delivered. The production actors on the simulated
// network, deterministic.
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
  o.leafnodes.port = 7422;
  o.leafnodes.user = "gwu";
  // bcrypt (cost 4) of "s3cr3t-gw", which appears only in the logged-in prefix below.
  o.leafnodes.password = "$2b$04$StAaBjFAL3UYaoizd7Wy3.6nz/HjHX5Cv0v6Ep02eXC1FHwRjK7gi";
  o.leafnodes.auth_timeout = std::chrono::milliseconds{200};
  auto& server = w.start_server("10.0.0.1", o);
  auto subscriber = w.connect(server);
  subscriber->send("CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPING\r\n");
  GNATSD_ASSERT(
      w.run_until([&] { return subscriber->received().find("PONG\r\n") != std::string::npos; }));
  auto publisher = w.connect(server);
  publisher->send("CONNECT {\"verbose\":false}\r\n");
  auto peer = w.network().connect_client("10.0.0.1", 7422);
  GNATSD_ASSERT(peer != nullptr);
  const bool logged_in = (data[0] & 1) != 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (logged_in)
    input =
        "CONNECT {\"name\":\"fuzz\",\"cluster\":\"edge\",\"user\":\"gwu\","
        "\"pass\":\"s3cr3t-gw\",\"headers\":true}\r\n" +
        input;
  const std::string pub =
      "PUB secret.data " + std::to_string(std::string{secret}.size()) + "\r\n" + secret + "\r\n";
  const size_t step = 1 + data[0] % 64;
  int published = 0;
  for (size_t at = 0; at < input.size(); at += step) {
    peer->send(input.substr(at, step));
    publisher->send(pub);
    ++published;
    w.run_for(1'000'000);
  }
  w.run_for(300'000'000);  // past the auth timeout
  publisher->send(pub + "PING\r\n");
  ++published;
  const bool all_delivered = w.run_until([&] {
    return count(subscriber->received(), secret) >= static_cast<size_t>(published) &&
           publisher->received().find("PONG\r\n") != std::string::npos;
  });
  GNATSD_ASSERT(all_delivered);
  if (!logged_in) {
    GNATSD_ASSERT(peer->received().find(secret) == std::string::npos);
    GNATSD_ASSERT(peer->received().find("MSG ") == std::string::npos);
    if (!only_refusals(peer->received()))
      std::fprintf(stderr, "peer read: %s\n", peer->received().c_str());
    GNATSD_ASSERT(only_refusals(peer->received()));
    GNATSD_ASSERT(count(subscriber->received(), "MSG ") == static_cast<size_t>(published));
  }
  return 0;
}
