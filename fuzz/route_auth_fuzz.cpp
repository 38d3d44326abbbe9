// Cluster-port authentication fuzz target: a server whose cluster port requires a user and
// password (a bcrypt hash, so that the fuzzer cannot learn it from comparisons) has a
// subscriber to everything and a publisher of a secret; a peer without the password sends the
// fuzz input to the cluster port, in pieces the input chooses. Whatever it sends, it must
// never receive the secret (nor any message, interest or PONG), and nothing it sends may be
// delivered: the subscriber gets exactly the publisher's messages. The production actors on
// the simulated network, deterministic.
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
  o.cluster.port = 6222;
  o.cluster.authorization.user = "ruser";
  // bcrypt (cost 4) of a password that appears nowhere else.
  o.cluster.authorization.password = "$2b$04$N3vTDf06vIFsZftBJ.3xBeg6DZiaNaO7lgkreMzhrebHEm9r9uLP6";
  o.cluster.authorization.timeout = std::chrono::milliseconds{200};
  gnatsd::fuzz::port_session s{data[0], o, 6222};
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  s.feed(input, 1 + data[0] % 64);
  // Nothing leaked to the peer, and the subscriber got exactly the publisher's messages.
  GNATSD_ASSERT(s.peer_read().find(secret) == std::string::npos);
  GNATSD_ASSERT(only_refusals(s.peer_read()));
  GNATSD_ASSERT(s.delivered("MSG ") == s.published());
  GNATSD_ASSERT(s.delivered("MSG secret.data 1 18\r\n" + std::string{secret}) == s.published());
  return 0;
}
