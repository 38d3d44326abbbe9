#include "proto/server_info.hpp"

#include <nlohmann/json.hpp>

namespace gnatsd::proto {

namespace {

nlohmann::ordered_json server_fields(const server_info& info) {
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
  return j;
}

}  // namespace

std::string encode_info_prefix(const server_info& info) {
  std::string fields = server_fields(info).dump();
  fields.back() = ',';  // the closing brace: the connection's own fields follow
  return "INFO " + fields;
}

std::string finish_info(const std::string& prefix, uint64_t client_id, const std::string& client_ip,
                        const std::string& nonce) {
  std::string out = prefix;
  out += "\"client_id\":";
  out += std::to_string(client_id);
  if (!client_ip.empty()) {
    out += ",\"client_ip\":";
    out += nlohmann::json(client_ip).dump();
  }
  if (!nonce.empty()) {
    out += ",\"nonce\":\"";
    out += nonce;  // base64 URL-safe: nothing to escape
    out += '"';
  }
  out += "} \r\n";
  return out;
}

std::string encode_info(const server_info& info) {
  return finish_info(encode_info_prefix(info), info.client_id, info.client_ip);
}

}  // namespace gnatsd::proto
