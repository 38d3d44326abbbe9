#include "monitor/system_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "monitor/account_endpoints.hpp"

namespace gnatsd::monitor {
namespace {

using json = nlohmann::ordered_json;

json route_stat(const route_view& r) {
  const auto& st = *r.stats;
  json j;
  j["rid"] = r.rid;
  if (!r.remote_name.empty()) j["name"] = r.remote_name;
  j["sent"] = data_stats_json(st.out_msgs, st.out_bytes);
  j["received"] = data_stats_json(st.in_msgs, st.in_bytes);
  j["pending"] = st.pending_bytes.load();
  return j;
}

}  // namespace

response statsz(const server_view& s, const clock_view& c) {
  json j;
  j["start"] = rfc3339(c.start_ns);
  j["mem"] = c.rss_bytes;
  j["cores"] = c.cores;
  j["cpu"] = c.cpu_percent;
  j["connections"] = s.connections.size();
  j["total_connections"] = s.total_connections;
  int active = 0;
  for (const auto& a : s.accounts)
    if (a.client_connections > 0) ++active;
  j["active_accounts"] = active;
  j["subscriptions"] = s.subs.subscriptions;
  j["sent"] = data_stats_json(s.out_msgs, s.out_bytes);
  j["received"] = data_stats_json(s.in_msgs, s.in_bytes);
  j["slow_consumers"] = s.slow_consumers;
  if (!s.routes.empty()) {
    j["routes"] = json::array();
    for (const auto& r : s.routes)
      j["routes"].push_back(route_stat(r));
  }
  // nats-server's GatewayStat: per outbound gateway, what it sent, and what the inbound
  // connections from that cluster received.
  json gateways = json::array();
  for (const auto& g : s.gateways) {
    if (!g.outbound) continue;
    uint64_t msgs = 0, bytes = 0;
    int inbound = 0;
    for (const auto& in : s.gateways)
      if (!in.outbound && in.cluster == g.cluster) {
        msgs += in.stats->in_msgs.load();
        bytes += in.stats->in_bytes.load();
        ++inbound;
      }
    json e;
    e["gwid"] = g.gid;
    e["name"] = g.cluster;
    e["sent"] = data_stats_json(g.stats->out_msgs, g.stats->out_bytes);
    e["received"] = data_stats_json(msgs, bytes);
    e["inbound_connections"] = inbound;
    gateways.push_back(std::move(e));
  }
  if (!gateways.empty()) j["gateways"] = std::move(gateways);
  return {200, j.dump()};
}

// JetStream is not available: nats-server 2.9 answers a PING with its disabled statistics.
response jsz(const server_view& s, const clock_view& c) {
  json j = header_json(s, c);
  j["disabled"] = true;
  j["config"] = {{"max_memory", 0}, {"max_storage", 0}};
  j["memory"] = 0;
  j["storage"] = 0;
  j["reserved_memory"] = 0;
  j["reserved_storage"] = 0;
  j["accounts"] = 0;
  j["ha_assets"] = 0;
  j["api"] = {{"total", 0}, {"errors", 0}};
  j["streams"] = 0;
  j["consumers"] = 0;
  j["messages"] = 0;
  j["bytes"] = 0;
  return {200, j.dump()};
}

}  // namespace gnatsd::monitor
