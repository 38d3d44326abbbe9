#include "proto/route_info.hpp"
#include "proto/identity.hpp"

#include <nlohmann/json.hpp>

#include "proto/json_field.hpp"

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

}  // namespace

std::string encode_route_info(const route_info& info) {
  nlohmann::ordered_json j;
  j["server_id"] = info.server_id;
  j["server_name"] = info.server_name;
  j["version"] = info.version;
  j["proto"] = 2;
  j["go"] = go_version;
  j["host"] = info.host;
  j["port"] = info.port;
  j["headers"] = info.headers;
  if (info.auth_required) j["auth_required"] = true;
  if (info.tls_required) {
    j["tls_required"] = true;
    j["tls_verify"] = true;
  }
  j["max_payload"] = info.max_payload;
  j["cluster"] = info.cluster;
  if (info.cluster_dynamic) j["cluster_dynamic"] = true;
  if (!info.connect_urls.empty()) j["connect_urls"] = info.connect_urls;
  if (!info.ip.empty()) j["ip"] = info.ip;
  if (info.ldm) j["ldm"] = true;
  if (!info.gateway_url.empty()) j["gateway_url"] = info.gateway_url;
  if (!info.leafnode_urls.empty()) j["leafnode_urls"] = info.leafnode_urls;
  if (info.lnoc) j["lnoc"] = true;
  return "INFO " + j.dump() + " \r\n";
}

std::string encode_route_connect(const route_connect& c) {
  nlohmann::ordered_json j;
  j["echo"] = true;
  j["verbose"] = false;
  j["pedantic"] = false;
  if (!c.user.empty()) j["user"] = c.user;
  if (!c.pass.empty()) j["pass"] = c.pass;
  j["tls_required"] = c.tls_required;
  j["headers"] = c.headers;
  j["name"] = c.name;
  j["cluster"] = c.cluster;
  if (c.cluster_dynamic) j["cluster_dynamic"] = true;
  return "CONNECT " + j.dump() + "\r\n";
}

bool parse_route_info(std::string_view text, route_info& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take_field(j, "server_id", out.server_id);
  take_field(j, "server_name", out.server_name);
  take_field(j, "version", out.version);
  take_field(j, "host", out.host);
  take_field(j, "port", out.port);
  take_field(j, "headers", out.headers);
  take_field(j, "max_payload", out.max_payload);
  take_field(j, "cluster", out.cluster);
  take_field(j, "cluster_dynamic", out.cluster_dynamic);
  take_field(j, "auth_required", out.auth_required);
  take_field(j, "ip", out.ip);
  take_field(j, "connect_urls", out.connect_urls);
  take_field(j, "ldm", out.ldm);
  take_field(j, "gateway_url", out.gateway_url);
  out.lnoc = false;
  take_field(j, "lnoc", out.lnoc);
  take_field(j, "leafnode_urls", out.leafnode_urls);
  take_field(j, "gateway", out.gateway);
  take_field(j, "gateway_urls", out.gateway_urls);
  take_field(j, "gateway_cmd", out.gateway_cmd);
  return true;
}

bool parse_route_connect(std::string_view text, route_connect& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take_field(j, "name", out.name);
  take_field(j, "cluster", out.cluster);
  take_field(j, "cluster_dynamic", out.cluster_dynamic);
  take_field(j, "headers", out.headers);
  take_field(j, "user", out.user);
  take_field(j, "pass", out.pass);
  take_field(j, "lang", out.lang);
  take_field(j, "gateway", out.gateway);
  return true;
}

}  // namespace gnatsd::proto
