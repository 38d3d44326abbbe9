#include "config/leafnode_config.hpp"

#include <set>

#include "config/config_fields.hpp"
#include "config/nats_url.hpp"

namespace gnatsd::config {
namespace {

// A value as Go's %v prints it in nats-server's "got %v" errors.
std::string go_value(const value& v) {
  switch (v.type) {
    case value::kind::string:
      return v.str;
    case value::kind::integer:
      return std::to_string(v.integer);
    case value::kind::boolean:
      return v.boolean ? "true" : "false";
    default:
      return go_type(v);
  }
}

bool websocket_url(const std::string& u) {
  return u.rfind("ws://", 0) == 0 || u.rfind("wss://", 0) == 0;
}

std::string quoted_list(const std::vector<std::string>& urls) {
  std::string out = "[";
  for (size_t i = 0; i < urls.size(); ++i)
    out += (i == 0 ? "\"" : " \"") + redacted_url(urls[i]) + "\"";
  return out + "]";
}

void add_leaf_urls(const value& v, std::vector<std::string>& urls) {
  std::vector<std::string> found;
  if (v.type == value::kind::string) {
    found.push_back(v.str);
  } else if (v.type == value::kind::array) {
    for (const auto& item : v.items)
      found.push_back(as_string(item, "url"));
  } else {
    bad(v, "Expected remote leafnode url to be an array or string, got " + go_value(v));
  }
  for (const auto& u : found) {
    nats_url parsed;
    if (!parse_nats_url(u, parsed) && !parse_nats_url(u + ":7422", parsed))
      bad(v, "error parsing leafnode url [\"" + u + "\"]");
    urls.push_back(u);
  }
}

remote_leaf_options as_remote(const value& v, std::vector<std::string>& warnings) {
  if (v.type != value::kind::map)
    bad(v, "Expected remote leafnode entry to be a map/struct, got " + go_value(v));
  remote_leaf_options r;
  auto subjects = [](const value& x, const std::string& k) { return as_string_list(x, k); };
  apply_map(
      v,
      {
          {"no_randomize",
           [&](const value& x, const std::string& k) { r.no_randomize = as_bool(x, k); }},
          {"dont_randomize",
           [&](const value& x, const std::string& k) { r.no_randomize = as_bool(x, k); }},
          {"url", [&](const value& x, const std::string&) { add_leaf_urls(x, r.urls); }},
          {"urls", [&](const value& x, const std::string&) { add_leaf_urls(x, r.urls); }},
          {"account", [&](const value& x, const std::string& k) { r.account = as_string(x, k); }},
          {"local", [&](const value& x, const std::string& k) { r.account = as_string(x, k); }},
          {"creds", [&](const value& x, const std::string& k) { r.credentials = as_string(x, k); }},
          {"credentials",
           [&](const value& x, const std::string& k) { r.credentials = as_string(x, k); }},
          {"tls", [&](const value& x, const std::string&) { r.tls = as_tls(x, warnings); }},
          {"hub", [&](const value& x, const std::string& k) { r.hub = as_bool(x, k); }},
          {"deny_imports",
           [&](const value& x, const std::string& k) { r.deny_imports = subjects(x, k); }},
          {"deny_import",
           [&](const value& x, const std::string& k) { r.deny_imports = subjects(x, k); }},
          {"deny_exports",
           [&](const value& x, const std::string& k) { r.deny_exports = subjects(x, k); }},
          {"deny_export",
           [&](const value& x, const std::string& k) { r.deny_exports = subjects(x, k); }},
      });
  return r;
}

std::vector<leaf_user> as_leaf_users(const value& v) {
  if (v.type != value::kind::array)
    bad(v, "Expected users field to be an array, got " + go_value(v));
  std::vector<leaf_user> users;
  for (const auto& item : v.items) {
    if (item.type != value::kind::map)
      bad(item, "Expected user entry to be a map/struct, got " + go_value(item));
    leaf_user u;
    apply_map(
        item,
        {
            {"user", [&](const value& x, const std::string& k) { u.user = as_string(x, k); }},
            {"username", [&](const value& x, const std::string& k) { u.user = as_string(x, k); }},
            {"pass", [&](const value& x, const std::string& k) { u.password = as_string(x, k); }},
            {"password",
             [&](const value& x, const std::string& k) { u.password = as_string(x, k); }},
            {"account", [&](const value& x, const std::string& k) { u.account = as_string(x, k); }},
        });
    users.push_back(std::move(u));
  }
  return users;
}

void apply_leaf_authorization(const value& v, leafnode_options& l,
                              std::vector<std::string>& warnings) {
  if (v.type != value::kind::map)
    bad(v, "Expected leafnode authorization to be a map, got " + go_type(v));
  apply_map(
      v,
      {
          {"user", [&](const value& x, const std::string& k) { l.user = as_string(x, k); }},
          {"username", [&](const value& x, const std::string& k) { l.user = as_string(x, k); }},
          {"pass", [&](const value& x, const std::string& k) { l.password = as_string(x, k); }},
          {"password", [&](const value& x, const std::string& k) { l.password = as_string(x, k); }},
          {"timeout", [&](const value& x,
                          const std::string& k) { l.auth_timeout = as_seconds(x, k, warnings); }},
          {"users", [&](const value& x, const std::string&) { l.users = as_leaf_users(x); }},
          {"account", [&](const value& x, const std::string& k) { l.account = as_string(x, k); }},
      });
  if (l.users.empty()) return;
  if (!l.user.empty()) bad(v, "can not have a single user/pass and a users array");
  std::set<std::string> seen;
  for (const auto& u : l.users)
    if (!seen.insert(u.user).second)
      bad(v, "duplicate user \"" + u.user + "\" detected in leafnode authorization");
}

// "2.8.0" or later (nats-server's checkLeafMinVersionConfig).
bool version_at_least_2_8(const std::string& v) {
  int major = 0, minor = 0, patch = 0;
  if (std::sscanf(v.c_str(), "%d.%d.%d", &major, &minor, &patch) != 3) return false;
  return major > 2 || (major == 2 && minor >= 8);
}

}  // namespace

void apply_leafnodes(const value& map, leafnode_options& l, std::vector<std::string>& warnings) {
  if (map.type != value::kind::map)
    bad(map, "Expected map to define a leafnode, got " + go_type(map));
  apply_map(
      map,
      {
          {"listen",
           [&](const value& v, const std::string& k) { set_listen(v, l.host, l.port, k); }},
          {"port", [&](const value& v, const std::string& k) { l.port = as_int(v, k); }},
          {"host", [&](const value& v, const std::string& k) { l.host = as_string(v, k); }},
          {"net", [&](const value& v, const std::string& k) { l.host = as_string(v, k); }},
          {"authorization",
           [&](const value& v, const std::string&) { apply_leaf_authorization(v, l, warnings); }},
          {"remotes",
           [&](const value& v, const std::string&) {
             if (v.type != value::kind::array)
               bad(v, "Expected remotes field to be an array, got " + go_type(v));
             l.remotes.clear();
             for (const auto& item : v.items)
               l.remotes.push_back(as_remote(item, warnings));
           }},
          {"reconnect",
           [&](const value& v, const std::string& k) {
             l.reconnect = std::chrono::seconds{as_integer(v, k)};
           }},
          {"reconnect_delay",
           [&](const value& v, const std::string& k) {
             l.reconnect = std::chrono::seconds{as_integer(v, k)};
           }},
          {"reconnect_interval",
           [&](const value& v, const std::string& k) {
             l.reconnect = std::chrono::seconds{as_integer(v, k)};
           }},
          {"tls", [&](const value& v, const std::string&) { l.tls = as_tls(v, warnings); }},
          {"advertise",
           [&](const value& v, const std::string& k) { l.advertise = as_string(v, k); }},
          {"leafnode_advertise",
           [&](const value& v, const std::string& k) { l.advertise = as_string(v, k); }},
          {"no_advertise",
           [&](const value& v, const std::string& k) { l.no_advertise = as_bool(v, k); }},
          {"min_version",
           [&](const value& v, const std::string& k) {
             l.min_version = as_string(v, k);
             if (!version_at_least_2_8(l.min_version))
               bad(v, "the minimum version should be at least 2.8.0");
           }},
          {"minimum_version",
           [&](const value& v, const std::string& k) {
             l.min_version = as_string(v, k);
             if (!version_at_least_2_8(l.min_version))
               bad(v, "the minimum version should be at least 2.8.0");
           }},
      });
}

std::string validate_leafnodes(const server_options& o) {
  const auto& l = o.leafnodes;
  std::set<std::string> accounts{"$G", ""};
  for (const auto& a : o.accounts)
    accounts.insert(a.name);
  if (o.system_account.empty() && !o.no_system_account) accounts.insert("$SYS");
  auto missing = [&](const std::string& name, const char* where) {
    return accounts.count(name) == 0
               ? "cannot find local account \"" + name + "\" specified in leafnode " + where
               : std::string{};
  };
  if (auto e = missing(l.account, "authorization"); !e.empty()) return e;
  for (const auto& u : l.users)
    if (auto e = missing(u.account, "authorization"); !e.empty()) return e;
  for (const auto& r : l.remotes)
    if (auto e = missing(r.account, "remote"); !e.empty()) return e;
  for (const auto& r : l.remotes) {
    for (const auto& u : r.urls)
      if (websocket_url(u) != websocket_url(r.urls.front()))
        return "remote leaf node configuration cannot have a mix of websocket and non-websocket "
               "urls: " +
               quoted_list(r.urls);
    // gnatsd has no websocket transport, and dials hubs in plain text only (see
    // docs/COMPATIBILITY.md): refused rather than sending credentials in clear.
    for (const auto& u : r.urls)
      if (websocket_url(u))
        return "websocket leafnode remotes are not supported: " + redacted_url(u);
    for (const auto& u : r.urls)
      if ((r.tls && r.tls->enabled) || u.rfind("tls://", 0) == 0)
        return "TLS on leafnode remotes is not supported yet: " + redacted_url(u);
  }
  if (l.port == 0) return {};
  if (l.port < -1 || l.port > 65535) return "invalid leafnode port " + std::to_string(l.port);
  if (!o.gateway.enabled()) return {};
  if (o.system_account.empty())
    return "leaf nodes and gateways (both being defined) require a system account to also be "
           "configured";
  return {};
}

}  // namespace gnatsd::config
