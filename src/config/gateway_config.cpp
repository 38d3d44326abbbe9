#include "config/gateway_config.hpp"

#include <set>

#include "config/auth_config.hpp"
#include "config/config_fields.hpp"

namespace gnatsd::config {
namespace {

// A gateway URL list entry ("url" or "urls"); repeated URLs are warned about and kept once,
// as nats-server does.
void add_urls(const value& v, const std::string& key, std::vector<std::string>& urls,
              std::vector<std::string>& warnings) {
  for (const auto& u : as_string_list(v, key)) {
    if (std::find(urls.begin(), urls.end(), u) != urls.end()) {
      warnings.push_back("Duplicate gateway entry detected");
      continue;
    }
    urls.push_back(u);
  }
}

remote_gateway_options as_remote(const value& v, std::vector<std::string>& warnings) {
  if (v.type != value::kind::map)
    bad(v, "Expected gateway entry to be a map/struct, got " +
               (v.type == value::kind::string ? v.str : go_type(v)));
  remote_gateway_options r;
  apply_map(
      v,
      {
          {"name", [&](const value& x, const std::string& k) { r.name = as_string(x, k); }},
          {"url", [&](const value& x, const std::string& k) { add_urls(x, k, r.urls, warnings); }},
          {"urls", [&](const value& x, const std::string& k) { add_urls(x, k, r.urls, warnings); }},
          {"tls", [&](const value& x, const std::string&) { r.tls = as_tls(x, warnings); }},
      });
  return r;
}

}  // namespace

void apply_gateway(const value& map, gateway_options& g, std::vector<std::string>& warnings) {
  if (map.type != value::kind::map) bad(map, "Expected gateway to be a map, got " + go_type(map));
  apply_map(map,
            {
                {"name", [&](const value& v, const std::string& k) { g.name = as_string(v, k); }},
                {"listen",
                 [&](const value& v, const std::string& k) { set_listen(v, g.host, g.port, k); }},
                {"port", [&](const value& v, const std::string& k) { g.port = as_int(v, k); }},
                {"host", [&](const value& v, const std::string& k) { g.host = as_string(v, k); }},
                {"net", [&](const value& v, const std::string& k) { g.host = as_string(v, k); }},
                {"authorization",
                 [&](const value& v, const std::string&) {
                   authorization_options a;
                   apply_authorization(v, a, warnings);
                   if (!a.users.empty())
                     bad(v, "Gateway authorization does not allow multiple users");
                   if (!a.token.empty()) bad(v, "Gateway authorization does not support tokens");
                   g.authorization = a;
                 }},
                {"tls", [&](const value& v, const std::string&) { g.tls = as_tls(v, warnings); }},
                {"advertise",
                 [&](const value& v, const std::string& k) { g.advertise = as_string(v, k); }},
                {"connect_retries",
                 [&](const value& v, const std::string& k) { g.connect_retries = as_int(v, k); }},
                {"gateways",
                 [&](const value& v, const std::string&) {
                   if (v.type != value::kind::array)
                     bad(v, "Expected gateways field to be an array, got " + go_type(v));
                   g.gateways.clear();
                   for (const auto& item : v.items)
                     g.gateways.push_back(as_remote(item, warnings));
                 }},
                {"reject_unknown",
                 [&](const value& v, const std::string& k) { g.reject_unknown = as_bool(v, k); }},
                {"reject_unknown_cluster",
                 [&](const value& v, const std::string& k) { g.reject_unknown = as_bool(v, k); }},
            });
}

std::string validate_gateway(const server_options& o) {
  const auto& g = o.gateway;
  if (g.name.empty() && g.port == 0) return {};
  if (g.name.empty()) return "gateway has no name";
  if (g.port == 0)
    return "gateway \"" + g.name + "\" has no port specified (select -1 for random port)";
  for (size_t i = 0; i < g.gateways.size(); ++i) {
    const auto& r = g.gateways[i];
    if (r.name.empty()) return "gateway in the list " + std::to_string(i) + " has no name";
    if (r.urls.empty()) return "gateway \"" + r.name + "\" has no URL";
  }
  if (!o.cluster.name.empty() && o.cluster.name != g.name)
    return "cluster name conflicts between cluster and gateway definitions";
  if (g.port < -1 || g.port > 65535) return "invalid gateway port " + std::to_string(g.port);
  return {};
}

}  // namespace gnatsd::config
