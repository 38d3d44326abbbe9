#include "monitor/gateway_endpoints.hpp"

#include "config/nats_url.hpp"
#include "monitor/account_endpoints.hpp"

namespace gnatsd::monitor {
namespace {

using json = nlohmann::ordered_json;

double seconds(duration d) {
  return std::chrono::duration<double>(d).count();
}

json connection(const gateway_view& g, const clock_view& c) {
  json e = connection_json({g.gid, g.ip, g.port, g.stats, {}}, c, "Gateway");
  e["name"] = g.remote_id;
  return e;
}

// nats-server's AccountGatewayz per account of the server: every account is in
// interest-only mode (2.9), with what the remote cluster is interested in.
json accounts(const server_view& s, const gateway_view& g) {
  std::map<std::string, std::pair<int, int>> counts;  // account -> (subs, queue subs)
  {
    std::lock_guard<std::mutex> guard{g.stats->mutex};
    for (const auto& [key, subject] : g.stats->subs) {
      const auto space = key.find(' ');
      auto& n = counts[key.substr(0, space)];
      ++n.first;
      if (subject.find(' ') != std::string::npos) ++n.second;
    }
  }
  json list = json::array();
  for (const auto& a : s.accounts) {
    json e;
    e["name"] = a.name;
    e["interest_mode"] = g.optimistic ? g.optimistic->mode(a.name) : "Interest-Only";
    e["interest_only_threshold"] = 1000;
    const auto n = counts[a.name];
    if (n.first > 0) e["num_subs"] = n.first;
    if (n.second > 0) e["num_queue_subs"] = n.second;
    list.push_back(std::move(e));
  }
  return list;
}

}  // namespace

response gatewayz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c) {
  json j = header_json(s, c);
  if (!s.gateway_url.empty()) {
    const auto& o = *s.options;
    j["name"] = o.gateway.name;
    nats_url url;
    parse_nats_url("nats://" + s.gateway_url, url);
    j["host"] = url.host;
    j["port"] = url.port;
  }
  const auto only = q.find("gw_name");
  const auto accs = q.find("accs");
  const bool with_accounts = accs != q.end() && (accs->second == "1" || accs->second == "true");
  json out = json::object(), in = json::object();
  for (const auto& g : s.gateways) {
    if (only != q.end() && !only->second.empty() && g.cluster != only->second) continue;
    json e;
    e["configured"] = g.configured;
    e["connection"] = connection(g, c);
    if (g.outbound) {
      if (with_accounts) e["accounts"] = accounts(s, g);
      out[g.cluster] = std::move(e);
    } else {
      if (!in.contains(g.cluster)) in[g.cluster] = json::array();
      in[g.cluster].push_back(std::move(e));
    }
  }
  j["outbound_gateways"] = std::move(out);
  j["inbound_gateways"] = std::move(in);
  return {200, j.dump(2)};
}

json gateway_varz(const server_options& o) {
  const auto& g = o.gateway;
  json j = json::object();
  if (!g.enabled()) return j;
  j["name"] = g.name;
  j["host"] = g.host.empty() ? "0.0.0.0" : g.host;
  j["port"] = g.port;
  j["auth_timeout"] = seconds(g.authorization.timeout);
  j["tls_timeout"] = seconds(g.tls.timeout);
  if (g.tls.enabled) {
    j["tls_required"] = true;
    j["tls_verify"] = true;
  }
  if (!g.advertise.empty()) j["advertise"] = g.advertise;
  if (g.connect_retries != 0) j["connect_retries"] = g.connect_retries;
  if (!g.gateways.empty()) {
    json list = json::array();
    for (const auto& r : g.gateways) {
      json e;
      e["name"] = r.name;
      json urls = json::array();
      for (const auto& u : r.urls) {
        nats_url parsed;
        urls.push_back(parse_nats_url(u, parsed) ? parsed.host_port() : u);
      }
      e["urls"] = std::move(urls);
      list.push_back(std::move(e));
    }
    j["gateways"] = std::move(list);
  }
  if (g.reject_unknown) j["reject_unknown"] = true;
  return j;
}

}  // namespace gnatsd::monitor
