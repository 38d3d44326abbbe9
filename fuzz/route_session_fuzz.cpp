// Whole-route-session fuzz target: a hostile peer dials server A's cluster port and sends the
// fuzz input in pieces the input chooses, while A has a real route to server B (the
// production actors on the simulated network, deterministic). Afterwards A must still answer
// a client's PING, and a message published on A must still reach a subscriber on B over the
// good route: no input from a route peer may crash the server or leave other connections
// broken once the peer is gone.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/world.hpp"
#include "util/assert.hpp"

namespace {

gnatsd::server_options node(std::vector<std::string> routes) {
  gnatsd::server_options o;
  o.port = 4222;
  o.cluster.port = 6222;
  o.cluster.routes = std::move(routes);
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  gnatsd::sim::world w{data[0]};
  auto& a = w.start_server("10.0.0.1", node({}));
  auto& b = w.start_server("10.0.0.2", node({"nats://10.0.0.1:6222"}));
  auto subscriber = w.connect(b);
  subscriber->send("CONNECT {\"verbose\":false}\r\nSUB check 1\r\n");
  w.run_for(2'000'000'000);  // the good route forms and carries the interest
  auto hostile = w.network().connect_client("10.0.0.1", 6222);
  GNATSD_ASSERT(hostile != nullptr);
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t step = 1 + data[0] % 64;
  for (size_t at = 0; at < input.size(); at += step) {
    hostile->send(input.substr(at, step));
    w.run_for(1'000'000);
  }
  // The peer leaves. (While connected, one that learned B's server id could legitimately
  // displace B's route as a duplicate; B then redials within a second or two.)
  hostile->close();
  w.run_for(3'000'000'000);
  auto publisher = w.connect(a);
  publisher->send("CONNECT {\"verbose\":false}\r\nPUB check 2\r\nok\r\nPING\r\n");
  const bool answered = w.run_until([&] {
    return publisher->received().find("PONG\r\n") != std::string::npos &&
           subscriber->received().find("MSG check 1 2\r\nok\r\n") != std::string::npos;
  });
  GNATSD_ASSERT(answered);
  GNATSD_ASSERT(!subscriber->closed() && !publisher->closed());
  return 0;
}
