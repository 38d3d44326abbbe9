// /accountz and /accstatz of nats-server 2.9: the accounts of the server, one account's
// detail (its imports and exports as configured, connections, subscriptions), and traffic
// per account.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/monitor.hpp"

namespace gnatsd::monitor {

response accountz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c);
response accstatz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c);

/// A sublist's statistics with nats-server's field names (/subsz, /accountz).
nlohmann::ordered_json sublist_json(const sublist_stats& s);

/// `{"server_id","now"}`, how nats-server's endpoint answers begin.
nlohmann::ordered_json header_json(const server_view& s, const clock_view& c);
/// nats-server's ConnInfo fields every connection kind has (cid, kind, ip, port, times,
/// pending, counters, subscriptions), as /connz and /gatewayz show them.
nlohmann::ordered_json connection_json(const connection_view& v, const clock_view& c,
                                       const char* kind);
/// nats-server's DataStats: `{"msgs","bytes"}`.
nlohmann::ordered_json data_stats_json(uint64_t msgs, uint64_t bytes);

/// RFC 3339 with nanoseconds, in UTC, as Go marshals time.Time.
std::string rfc3339(int64_t ns);
/// A duration as Go's time.Duration prints it ("449.267µs", "1.5s", "1h2m3s").
std::string go_duration(int64_t ns);

}  // namespace gnatsd::monitor
