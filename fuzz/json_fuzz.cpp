// Fuzz target for the JSON that peers send: client CONNECT, route INFO and route CONNECT,
// and the body of a system account request (any client of any account can send one).
// Any input is either applied or refused; re-encoding what was accepted must parse back to
// the same values (round trip through our encoders).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/connect_options.hpp"
#include "proto/route_info.hpp"
#include "system/system_messages.hpp"
#include "util/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gnatsd::proto::connect_options opts;
  (void)gnatsd::proto::apply_connect_json(text, opts);
  gnatsd::proto::route_connect rc;
  (void)gnatsd::proto::parse_route_connect(text, rc);
  const gnatsd::system::server_identity me{"n1", "127.0.0.1", "NID", "c", "2.9.10"};
  for (const auto what : {gnatsd::system::endpoint::connz, gnatsd::system::endpoint::subsz}) {
    const auto r = gnatsd::system::read_request(text, {what, {}}, me);
    // A refused body asks nothing; an accepted one becomes a query of plain key=value pairs.
    GNATSD_ASSERT(r.error.empty() || r.query.empty());
    for (size_t at = 0; at < r.query.size();) {  // only key=value pairs: nothing smuggled
      const size_t amp = std::min(r.query.find('&', at), r.query.size());
      const auto pair = std::string_view{r.query}.substr(at, amp - at);
      GNATSD_ASSERT(pair.find('=') != std::string_view::npos && pair.find('=') == pair.rfind('='));
      at = amp + 1;
    }
  }
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
