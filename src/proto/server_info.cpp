#include "proto/server_info.hpp"

#include <nlohmann/json.hpp>

namespace gnatsd::proto {

std::string encode_info(const server_info& info) {
  // ordered_json keeps nats-server's field order, which makes traces easy to compare.
  nlohmann::ordered_json j;
  j["server_id"] = info.server_id;
  j["server_name"] = info.server_name;
  j["version"] = info.version;
  j["proto"] = info.proto;
  j["go"] = info.go;
  j["host"] = info.host;
  j["port"] = info.port;
  j["headers"] = info.headers;
  if (info.auth_required) j["auth_required"] = true;
  if (info.tls_required) j["tls_required"] = true;
  if (info.tls_verify) j["tls_verify"] = true;
  j["max_payload"] = info.max_payload;
  if (!info.connect_urls.empty()) j["connect_urls"] = info.connect_urls;
  if (info.ldm) j["ldm"] = true;
  j["client_id"] = info.client_id;
  if (!info.client_ip.empty()) j["client_ip"] = info.client_ip;
  std::string out = "INFO ";
  out += j.dump();
  out += " \r\n";
  return out;
}

}  // namespace gnatsd::proto
