// Differential fuzz target for the route protocol parser (see differential.hpp).
#include <cstddef>
#include <cstdint>

#include "differential.hpp"
#include "route_recorder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gnatsd::fuzz::check_split_reads<gnatsd::proto::route_parser, gnatsd::fuzz::route_recorder>(
      data, size, gnatsd::proto::parser_limits{256, 1024});
}
