// Fuzz target for the JSON that peers send: client CONNECT, route INFO and route CONNECT.
// Any input is either applied or refused; re-encoding what was accepted must parse back to
// the same values (round trip through our encoders).
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/connect_options.hpp"
#include "proto/route_info.hpp"
#include "util/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gnatsd::proto::connect_options opts;
  (void)gnatsd::proto::apply_connect_json(text, opts);
  gnatsd::proto::route_connect rc;
  (void)gnatsd::proto::parse_route_connect(text, rc);
  gnatsd::proto::route_info info;
  if (gnatsd::proto::parse_route_info(text, info)) {
    const std::string encoded = gnatsd::proto::encode_route_info(info);
    GNATSD_ASSERT(encoded.rfind("INFO ", 0) == 0);
    gnatsd::proto::route_info again;
    GNATSD_ASSERT(gnatsd::proto::parse_route_info(
        std::string_view{encoded}.substr(5, encoded.size() - 8), again));
    GNATSD_ASSERT(again.server_id == info.server_id);
    GNATSD_ASSERT(again.port == info.port);
    GNATSD_ASSERT(again.connect_urls == info.connect_urls);
  }
  return 0;
}
