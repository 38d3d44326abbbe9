// Differential fuzz target for the client protocol parser (see differential.hpp); HPUB is
// enabled so that every op is reachable.
#include "../tests/support/op_recorder.hpp"
#include "differential.hpp"
#include "header_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gnatsd::fuzz::check_split_reads<gnatsd::fuzz::header_parser, gnatsd::testing::op_recorder>(
      data, size, gnatsd::proto::parser_limits{256, 1024});
}
