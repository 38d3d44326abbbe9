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
#include <string>

#include "fuzz/port_session.hpp"

using gnatsd::fuzz::only_refusals;
using gnatsd::fuzz::secret;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  gnatsd::server_options o;
  o.port = 4222;
  o.leafnodes.port = 7422;
  o.leafnodes.user = "gwu";
  // bcrypt (cost 4) of "s3cr3t-gw", which appears only in the logged-in prefix below.
  o.leafnodes.password = "$2b$04$StAaBjFAL3UYaoizd7Wy3.6nz/HjHX5Cv0v6Ep02eXC1FHwRjK7gi";
  o.leafnodes.auth_timeout = std::chrono::milliseconds{200};
  gnatsd::fuzz::port_session s{data[0], o, 7422};
  const bool logged_in = (data[0] & 1) != 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (logged_in)
    input =
        "CONNECT {\"name\":\"fuzz\",\"cluster\":\"edge\",\"user\":\"gwu\","
        "\"pass\":\"s3cr3t-gw\",\"headers\":true}\r\n" +
        input;
  s.feed(input, 1 + data[0] % 64);
  // A logged-in leaf may subscribe and read; one that is not reads only the refusal.
  if (!logged_in) {
    GNATSD_ASSERT(s.peer_read().find(secret) == std::string::npos);
    GNATSD_ASSERT(s.peer_read().find("MSG ") == std::string::npos);
    GNATSD_ASSERT(only_refusals(s.peer_read()));
    GNATSD_ASSERT(s.delivered("MSG ") == s.published());
  }
  return 0;
}
