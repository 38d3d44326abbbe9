#include "proto/gateway_info.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "proto/json_field.hpp"

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

// Go marshals a []byte as standard base64.
std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool unbase64(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  std::string buf(in.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  for (size_t i = in.size(); i > 0 && in[i - 1] == '=' && size > 0; --i)
    --size;
  buf.resize(size);
  out = std::move(buf);
  return true;
}

// The fields every nats-server INFO has, even a command INFO with nothing else in it.
void common_fields(nlohmann::ordered_json& j, const gateway_info& info) {
  j["server_id"] = info.server_id;
  j["server_name"] = info.server_name;
  j["version"] = info.version;
  j["proto"] = 0;
  j["go"] = "";
  j["host"] = info.host;
  j["port"] = info.port;
  j["headers"] = info.headers;
}

}  // namespace

std::string encode_gateway_info(const gateway_info& info) {
  nlohmann::ordered_json j;
  common_fields(j, info);
  if (info.auth_required) j["auth_required"] = true;
  if (info.tls_required) {
    j["tls_required"] = true;
    j["tls_verify"] = true;
  }
  j["max_payload"] = info.max_payload;
  if (!info.nonce.empty()) j["nonce"] = info.nonce;
  j["gateway"] = info.gateway;
  if (!info.gateway_urls.empty()) j["gateway_urls"] = info.gateway_urls;
  if (!info.gateway_url.empty()) j["gateway_url"] = info.gateway_url;
  if (info.gateway_nrp) j["gateway_nrp"] = true;
  if (info.gateway_iom) j["gateway_iom"] = true;
  return "INFO " + j.dump() + "\r\n";
}

std::string encode_gateway_command(const gateway_info& info) {
  nlohmann::ordered_json j;
  common_fields(j, info);
  j["max_payload"] = info.max_payload;
  j["gateway"] = info.gateway;
  if (!info.gateway_urls.empty()) j["gateway_urls"] = info.gateway_urls;
  j["gateway_cmd"] = static_cast<int>(info.command);
  if (!info.command_payload.empty()) j["gateway_cmd_payload"] = base64(info.command_payload);
  return "INFO " + j.dump() + "\r\n";
}

std::string encode_gateway_connect(const gateway_connect& c) {
  nlohmann::ordered_json j;
  j["echo"] = false;
  j["verbose"] = false;
  j["pedantic"] = false;
  if (!c.user.empty()) j["user"] = c.user;
  if (!c.pass.empty()) j["pass"] = c.pass;
  j["tls_required"] = c.tls_required;
  j["headers"] = false;
  j["name"] = c.name;
  j["cluster"] = "";
  j["gateway"] = c.gateway;
  return "CONNECT " + j.dump() + "\r\n";
}

bool parse_gateway_info(std::string_view text, gateway_info& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take_field(j, "server_id", out.server_id);
  take_field(j, "server_name", out.server_name);
  take_field(j, "version", out.version);
  take_field(j, "host", out.host);
  take_field(j, "port", out.port);
  take_field(j, "headers", out.headers);
  take_field(j, "max_payload", out.max_payload);
  take_field(j, "auth_required", out.auth_required);
  take_field(j, "tls_required", out.tls_required);
  take_field(j, "gateway", out.gateway);
  take_field(j, "gateway_urls", out.gateway_urls);
  take_field(j, "gateway_url", out.gateway_url);
  take_field(j, "gateway_nrp", out.gateway_nrp);
  take_field(j, "gateway_iom", out.gateway_iom);
  take_field(j, "nonce", out.nonce);
  int command = 0;
  take_field(j, "gateway_cmd", command);
  out.command = static_cast<gateway_command>(command);  // an unknown one is logged and ignored
  std::string payload;
  if (take_field(j, "gateway_cmd_payload", payload) && !payload.empty() &&
      !unbase64(payload, out.command_payload))
    return false;
  return true;
}

bool parse_gateway_connect(std::string_view text, gateway_connect& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  take_field(j, "name", out.name);
  take_field(j, "gateway", out.gateway);
  take_field(j, "user", out.user);
  take_field(j, "pass", out.pass);
  take_field(j, "tls_required", out.tls_required);
  take_field(j, "lang", out.lang);
  return true;
}

}  // namespace gnatsd::proto
