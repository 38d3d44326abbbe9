// The client protocol parser with headers negotiated (HPUB accepted), so that every client
// op is reachable from fuzz input.
#pragma once

#include <cstddef>

#include "proto/protocol_parser.hpp"

namespace gnatsd::fuzz {

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

}  // namespace gnatsd::fuzz
