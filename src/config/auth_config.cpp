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

permission_set as_permissions(const value& map) {
  permission_set p;
  auto pub = [&](const value& v, const std::string& k) { p.publish = as_subject_rules(v, k); };
  auto sub = [&](const value& v, const std::string& k) { p.subscribe = as_subject_rules(v, k); };
  apply_map(map, {{"publish", pub}, {"pub", pub}, {"subscribe", sub}, {"sub", sub}});
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
