#include "config/auth_config.hpp"

#include "auth/nkey.hpp"
#include "config/config_fields.hpp"

namespace gnatsd::config {
namespace {

// One side of a permission set: a subject, a list of them (both meaning "allow"), or a map
// with `allow` and `deny`.
subject_rules as_subject_rules(const value& v, const std::string& key) {
  subject_rules r;
  if (v.type != value::kind::map) {
    r.has_allow = true;
    r.allow = as_string_list(v, key);
    return r;
  }
  apply_map(
      v, {
             {"allow",
              [&](const value& x, const std::string& k) {
                r.has_allow = true;
                r.allow = as_string_list(x, k);
              }},
             {"deny", [&](const value& x, const std::string& k) { r.deny = as_string_list(x, k); }},
         });
  return r;
}

}  // namespace

// allow_responses: true, or {max, expires}, as nats-server reads it.
response_permission as_response_permission(const value& v, std::vector<std::string>& warnings) {
  response_permission r;
  if (v.type != value::kind::map)
    bad(v, "error parsing response permissions, expected a boolean or a map");
  for (const auto& [key, x] : v.entries) {
    const std::string k = lower(key);
    if (k == "max" || k == "max_msgs" || k == "max_messages" || k == "max_responses") {
      if (const int64_t n = as_integer(x, key); n != 0) r.max_msgs = n;  // 0: the default
    } else if (k == "expires" || k == "expiration" || k == "ttl") {
      if (x.type != value::kind::string) bad(x, "error parsing expires, not a duration string");
      if (const duration d = as_duration(x, key, warnings); d != duration::zero()) r.expires = d;
    } else if (!x.used_as_variable) {
      bad(x, "Unknown field \"" + key + "\" parsing permissions");
    }
  }
  return r;
}

permission_set as_permissions(const value& map) {
  permission_set p;
  std::vector<std::string> warnings;  // a duration that is a number is an error here
  auto pub = [&](const value& v, const std::string& k) { p.publish = as_subject_rules(v, k); };
  auto sub = [&](const value& v, const std::string& k) { p.subscribe = as_subject_rules(v, k); };
  auto responses = [&](const value& v, const std::string&) {
    if (v.type == value::kind::boolean) {
      if (v.boolean) p.responses = response_permission{};
      return;
    }
    p.responses = as_response_permission(v, warnings);
  };
  apply_map(map, {{"publish", pub},
                  {"pub", pub},
                  {"import", pub},
                  {"subscribe", sub},
                  {"sub", sub},
                  {"export", sub},
                  {"allow_responses", responses},
                  {"publish_allow_responses", responses}});
  // Responses only: without an allow list of its own, publishing is closed but for them.
  if (p.responses && !p.publish.has_allow) p.publish.has_allow = true;
  return p;
}

user_entry as_user(const value& map) {
  user_entry u;
  const value* nkey_value = nullptr;
  auto name = [&](const value& v, const std::string& k) { u.user = as_string(v, k); };
  auto pass = [&](const value& v, const std::string& k) { u.password = as_string(v, k); };
  apply_map(map, {{"user", name},
                  {"username", name},
                  {"password", pass},
                  {"pass", pass},
                  {"nkey",
                   [&](const value& v, const std::string& k) {
                     nkey_value = &v;
                     u.nkey = as_string(v, k);
                   }},
                  {"permissions", [&](const value& v, const std::string&) {
                     u.permissions = as_permissions(v);
                   }}});
  if (nkey_value != nullptr) {
    // nats-server's texts; an nkey user logs in with a signature, nothing else.
    if (!nkey::decode_user(u.nkey)) bad(*nkey_value, "Not a valid public nkey for a user");
    if (!u.user.empty() || !u.password.empty())
      bad(map, "Nkey users do not take usernames or passwords");
    return u;
  }
  if (u.user.empty()) bad(map, "user entry requires a user");
  return u;
}

void apply_authorization(const value& map, authorization_options& auth,
                         std::vector<std::string>& warnings) {
  std::vector<user_entry> users;  // this block's; account users may already be in auth.users
  apply_map(
      map,
      {
          {"users",
           [&](const value& v, const std::string&) {
             if (v.type != value::kind::array) bad(v, "expected an array for \"users\"");
             for (const auto& item : v.items)
               users.push_back(as_user(item));
           }},
          {"default_permissions",
           [&](const value& v, const std::string&) {
             auth.default_permissions = as_permissions(v);
           }},
          {"user", [&](const value& v, const std::string& k) { auth.user = as_string(v, k); }},
          {"username", [&](const value& v, const std::string& k) { auth.user = as_string(v, k); }},
          {"password",
           [&](const value& v, const std::string& k) { auth.password = as_string(v, k); }},
          {"pass", [&](const value& v, const std::string& k) { auth.password = as_string(v, k); }},
          {"token", [&](const value& v, const std::string& k) { auth.token = as_string(v, k); }},
          {"timeout", [&](const value& v,
                          const std::string& k) { auth.timeout = as_seconds(v, k, warnings); }},
      });
  if (!auth.user.empty() && !auth.token.empty())
    bad(map, "can not have a token and a user at the same time");
  if (!users.empty() && (!auth.user.empty() || !auth.token.empty()))
    bad(map, "can not have a single user/pass or token and a users array at the same time");
  // Users without permissions of their own get default_permissions (not merged), as
  // nats-server applies them while it reads the block.
  for (auto& u : users) {
    if (!u.permissions) u.permissions = auth.default_permissions;
    auth.users.push_back(std::move(u));
  }
}

}  // namespace gnatsd::config
