// /leafz and the `leaf` section of /varz, as nats-server 2.9 shows them: every leafnode
// connection with its account, address, round trip, traffic and interest (the list of
// subjects under ?subs=1; ?acc= keeps one account), and the leafnode port and remotes in
// force (remote URLs without their credentials).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/monitor.hpp"

namespace gnatsd::monitor {

response leafz(const server_view& s, const std::map<std::string, std::string>& q,
               const clock_view& c);
nlohmann::ordered_json leaf_varz(const server_options& o);

}  // namespace gnatsd::monitor
