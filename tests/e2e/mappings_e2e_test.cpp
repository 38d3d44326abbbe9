// End-to-end tests of subject mappings: the same config and transcript on gnatsd and on
// Debian's nats-server 2.9.10 deliver under the same subjects, partitions included (their
// hash must agree for mixed clusters to map alike).
#include <gtest/gtest.h>

#include <string>

#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

const char* const mappings_config = R"(
mappings {
  "plain": "mapped"
  "orders.*.*": "out.$2.{{wildcard(1)}}"
  "part.*": "p.{{partition(7,1)}}.$1"
  "whole": "w.{{partition(5)}}"
  "sl.*": "sl.{{splitFromLeft(1,2)}}"
  "sr.*": "sr.{{splitFromRight(1,2)}}"
  "cl.*": "cl.{{sliceFromLeft(1,3)}}"
  "cr.*": "cr.{{SliceFromRight(1,3)}}"
  "sp.*": "sp.{{split(1,-)}}"
  "rest.>": "r.>"
  "never": [{destination: "gone", weight: 0%}]
}
accounts { A: { users: [{user: a, password: a}], mappings: { "in.*": "a.$1" } } }
authorization { users: [{user: g, password: g}] }
)";

// What a subscriber to everything receives, subject by subject, when each subject is
// published once, as `user`.
std::string delivered(const std::string& binary, const std::string& user,
                      const std::vector<std::string>& subjects) {
  const int port = free_port();
  server_process s{
      binary,
      {"-c", write_config("map_" + std::to_string(port) + ".conf",
                          "listen: 127.0.0.1:" + std::to_string(port) + "\n" + mappings_config)}};
  raw_client c{s.port()};
  std::string lines = "CONNECT {\"verbose\":false,\"user\":\"" + user + "\",\"pass\":\"" + user +
                      "\"}\r\nSUB > 1\r\n";
  for (const auto& subject : subjects)
    lines += "PUB " + subject + " 1\r\nx\r\n";
  c.send(lines + "PING\r\n");
  const std::string got = c.read_until("PONG\r\n");
  std::string out;
  for (size_t at = got.find("MSG "); at != std::string::npos; at = got.find("MSG ", at + 1))
    out += got.substr(at + 4, got.find(' ', at + 4) - at - 4) + "\n";
  return out;
}

TEST(MappingsE2E, PublishedSubjectsAreMappedAsByNatsServer) {
  const std::vector<std::string> subjects{"plain",       "orders.eu.42", "part.alpha", "part.beta",
                                          "part.gamma",  "whole",        "sl.abcdef",  "sr.abcdef",
                                          "cl.abcdefgh", "cr.abcdefgh",  "sp.a-b--c",  "rest.x.y",
                                          "never",       "unmapped",     "in.x"};
  const std::string theirs = delivered(nats_server_binary(), "g", subjects);
  EXPECT_NE(theirs.find("out.42.eu\n"), std::string::npos) << theirs;
  EXPECT_EQ(delivered(gnatsd_binary(), "g", subjects), theirs);
  // An account's own mappings.
  const std::string in_a = delivered(nats_server_binary(), "a", {"in.x", "plain"});
  EXPECT_EQ(in_a, "a.x\nplain\n");
  EXPECT_EQ(delivered(gnatsd_binary(), "a", {"in.x", "plain"}), in_a);
}

}  // namespace
}  // namespace gnatsd::testing
