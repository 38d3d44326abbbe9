#include "proto/route_info.hpp"

#include <nlohmann/json.hpp>

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

template <class T>
void take(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    // A field of the wrong type is ignored, as Go's decoder would fail the whole message;
    // the required fields are checked by the caller.
  }
}

}  // namespace

std::string encode_route_info(const route_info& info) {
  nlohmann::ordered_json j;
  j["server_id"] = info.server_id;
  j["server_name"] = info.server_name;
  j["version"] = info.version;
  j["proto"] = 2;
  j["go"] = "go1.19.8";
  j["host"] = info.host;
  j["port"] = info.port;
  j["headers"] = info.headers;
  if (info.auth_required) j["auth_required"] = true;
  j["max_payload"] = info.max_payload;
  j["cluster"] = info.cluster;
  if (info.cluster_dynamic) j["cluster_dynamic"] = true;
  if (!info.connect_urls.empty()) j["connect_urls"] = info.connect_urls;
  if (!info.ip.empty()) j["ip"] = info.ip;
  return "INFO " + j.dump() + " \r\n";
}

std::string encode_route_connect(const route_connect& c) {
  nlohmann::ordered_json j;
  j["echo"] = true;
  j["verbose"] = false;
  j["pedantic"] = false;
  if (!c.user.empty()) j["user"] = c.user;
  if (!c.pass.empty()) j["pass"] = c.pass;
  j["tls_required"] = false;
  j["headers"] = c.headers;
  j["name"] = c.name;
  j["cluster"] = c.cluster;
  if (c.cluster_dynamic) j["cluster_dynamic"] = true;
  return "CONNECT " + j.dump() + "\r\n";
}

bool parse_route_info(std::string_view text, route_info& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take(j, "server_id", out.server_id);
  take(j, "server_name", out.server_name);
  take(j, "version", out.version);
  take(j, "host", out.host);
  take(j, "port", out.port);
  take(j, "headers", out.headers);
  take(j, "max_payload", out.max_payload);
  take(j, "cluster", out.cluster);
  take(j, "cluster_dynamic", out.cluster_dynamic);
  take(j, "auth_required", out.auth_required);
  take(j, "ip", out.ip);
  take(j, "connect_urls", out.connect_urls);
  return !out.server_id.empty();
}

bool parse_route_connect(std::string_view text, route_connect& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take(j, "name", out.name);
  take(j, "cluster", out.cluster);
  take(j, "cluster_dynamic", out.cluster_dynamic);
  take(j, "headers", out.headers);
  take(j, "user", out.user);
  take(j, "pass", out.pass);
  take(j, "lang", out.lang);
  return true;
}

}  // namespace gnatsd::proto
