// /gatewayz and the `gateway` section of /varz, as nats-server 2.9 shows them: this
// server's gateway, its one outbound connection per remote cluster (with per-account
// interest under ?accs=1) and its inbound connections by cluster; ?gw_name= keeps one
// cluster.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/monitor.hpp"

namespace gnatsd::monitor {

response gatewayz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c);
nlohmann::ordered_json gateway_varz(const server_options& o);

}  // namespace gnatsd::monitor
