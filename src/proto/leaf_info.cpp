#include "proto/leaf_info.hpp"

#include <nlohmann/json.hpp>

#include "proto/json_field.hpp"

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

// nats-server's SubjectPermission JSON: {"allow":[...],"deny":[...]}, each omitted when empty.
nlohmann::ordered_json rules_json(const subject_rules& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (!r.allow.empty()) j["allow"] = r.allow;
  if (!r.deny.empty()) j["deny"] = r.deny;
  return j;
}

bool take_rules(const json& j, const char* key, std::optional<subject_rules>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_object()) return false;
  subject_rules r;
  if (!take_field(*it, "allow", r.allow) || !take_field(*it, "deny", r.deny)) return false;
  r.has_allow = !r.allow.empty();
  out = std::move(r);
  return true;
}

}  // namespace

std::string encode_leaf_info(const leaf_info& info) {
  nlohmann::ordered_json j;
  j["server_id"] = info.server_id;
  j["server_name"] = info.server_name;
  j["version"] = info.version;
  j["proto"] = 1;
  j["go"] = "";
  j["host"] = info.host;
  j["port"] = info.port;
  j["headers"] = info.headers;
  j["auth_required"] = info.auth_required;
  if (info.tls_required) j["tls_required"] = true;
  if (info.tls_verify) j["tls_verify"] = true;
  j["max_payload"] = info.max_payload;
  if (!info.ip.empty()) j["ip"] = info.ip;
  if (info.cid != 0) j["client_id"] = info.cid;
  if (!info.nonce.empty()) j["nonce"] = info.nonce;
  if (!info.cluster.empty()) j["cluster"] = info.cluster;
  if (info.import_rules) j["import"] = rules_json(*info.import_rules);
  if (info.export_rules) j["export"] = rules_json(*info.export_rules);
  if (info.info_on_connect) j["info_on_connect"] = true;
  if (info.connect_info) j["connect_info"] = true;
  j["leafnode_urls"] = info.leafnode_urls;
  if (!info.remote_account.empty()) j["remote_account"] = info.remote_account;
  return "INFO " + j.dump() + "\r\n";
}

std::string encode_leaf_connect(const leaf_connect& c) {
  nlohmann::ordered_json j;
  j["version"] = c.version;
  if (!c.jwt.empty()) j["jwt"] = c.jwt;
  if (!c.sig.empty()) j["sig"] = c.sig;
  if (!c.user.empty()) j["user"] = c.user;
  if (!c.pass.empty()) j["pass"] = c.pass;
  j["tls_required"] = c.tls_required;
  j["server_id"] = c.server_id;
  if (!c.name.empty()) j["name"] = c.name;
  if (c.hub) j["is_hub"] = true;
  if (!c.cluster.empty()) j["cluster"] = c.cluster;
  if (c.headers) j["headers"] = true;
  if (!c.deny_pub.empty()) j["deny_pub"] = c.deny_pub;
  return "CONNECT " + j.dump() + "\r\n";
}

bool parse_leaf_info(std::string_view text, leaf_info& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  out.leafnode_urls_present = j.contains("leafnode_urls") && !j["leafnode_urls"].is_null();
  return take_field(j, "server_id", out.server_id) &&
         take_field(j, "server_name", out.server_name) && take_field(j, "version", out.version) &&
         take_field(j, "host", out.host) && take_field(j, "port", out.port) &&
         take_field(j, "headers", out.headers) &&
         take_field(j, "auth_required", out.auth_required) &&
         take_field(j, "tls_required", out.tls_required) &&
         take_field(j, "max_payload", out.max_payload) && take_field(j, "ip", out.ip) &&
         take_field(j, "client_id", out.cid) && take_field(j, "nonce", out.nonce) &&
         take_field(j, "info_on_connect", out.info_on_connect) &&
         take_field(j, "connect_info", out.connect_info) &&
         take_field(j, "leafnode_urls", out.leafnode_urls) &&
         take_field(j, "cluster", out.cluster) &&
         take_field(j, "remote_account", out.remote_account) &&
         take_rules(j, "import", out.import_rules) && take_rules(j, "export", out.export_rules);
}

bool parse_leaf_connect(std::string_view text, leaf_connect& out) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  return take_field(j, "version", out.version) && take_field(j, "jwt", out.jwt) &&
         take_field(j, "sig", out.sig) && take_field(j, "user", out.user) &&
         take_field(j, "pass", out.pass) && take_field(j, "tls_required", out.tls_required) &&
         take_field(j, "server_id", out.server_id) && take_field(j, "name", out.name) &&
         take_field(j, "is_hub", out.hub) && take_field(j, "cluster", out.cluster) &&
         take_field(j, "headers", out.headers) && take_field(j, "deny_pub", out.deny_pub) &&
         take_field(j, "gateway", out.gateway) && take_field(j, "lang", out.lang);
}

}  // namespace gnatsd::proto
