// Differential fuzz target across both protocol parsers: the input is parsed whole and again
// in reads of random sizes, as a socket might deliver it, and both parses must give the same
// operations and the same error. Byte 0 picks the parser (client with headers, or route) and
// the largest read; bytes 1-8 seed the read sizes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "../tests/support/op_recorder.hpp"
#include "differential.hpp"
#include "header_parser.hpp"
#include "route_recorder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  uint64_t seed = 0;
  std::memcpy(&seed, data + 1, sizeof seed);
  const size_t max_read = 1u << (data[0] >> 1) % 8;  // reads of 1 .. 2-129 bytes
  const std::string input(reinterpret_cast<const char*>(data) + 9, size - 9);
  const gnatsd::proto::parser_limits limits{256, 1024};
  using namespace gnatsd::fuzz;
  if (data[0] & 1)
    return check_random_splits<gnatsd::proto::route_parser, route_recorder>(seed, max_read, input,
                                                                            limits);
  return check_random_splits<header_parser, gnatsd::testing::op_recorder>(seed, max_read, input,
                                                                          limits);
}
