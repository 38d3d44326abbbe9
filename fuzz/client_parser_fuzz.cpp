// Differential fuzz target for the client protocol parser (see differential.hpp); HPUB is
// enabled so that every op is reachable.
#include "../tests/support/op_recorder.hpp"
#include "differential.hpp"
#include "proto/protocol_parser.hpp"

namespace {

// The client parser with headers negotiated.
class header_parser {
 public:
  explicit header_parser(gnatsd::proto::parser_limits limits) : parser_(limits) {
    parser_.set_headers_enabled(true);
  }
  gnatsd::proto::parse_status parse(const char* data, size_t size,
                                    gnatsd::proto::client_op_handler& handler) {
    return parser_.parse(data, size, handler);
  }
  size_t buffered_bytes() const { return parser_.buffered_bytes(); }

 private:
  gnatsd::proto::protocol_parser parser_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gnatsd::fuzz::check_split_reads<header_parser, gnatsd::testing::op_recorder>(
      data, size, gnatsd::proto::parser_limits{256, 1024});
}
