// Whole-session fuzz target: the fuzz input is sent by one client to a real server (the
// production actors on the simulated network, deterministic), in pieces the input chooses.
// Afterwards a second client must still get PONG for PING and receive its own publishes:
// no input may crash the server or affect another connection. The first byte picks the
// split points of the stream.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/world.hpp"
#include "util/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  gnatsd::sim::world w{data[0]};
  gnatsd::server_options o;
  o.port = 4222;
  o.max_payload = 4096;
  o.max_pending = 64 * 1024;
  auto& server = w.start_server("10.0.0.1", o);
  auto hostile = w.connect(server);
  auto bystander = w.connect(server);
  bystander->send("CONNECT {\"verbose\":false}\r\nSUB check 1\r\n");
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t step = 1 + data[0] % 64;
  for (size_t at = 0; at < input.size(); at += step) {
    hostile->send(input.substr(at, step));
    w.run_for(1'000'000);
  }
  w.run_for(10'000'000);
  bystander->send("PUB check 2\r\nok\r\nPING\r\n");
  const bool answered = w.run_until([&] {
    return bystander->received().find("MSG check 1 2\r\nok\r\nPONG\r\n") != std::string::npos;
  });
  GNATSD_ASSERT(answered);
  GNATSD_ASSERT(!bystander->closed());
  return 0;
}
