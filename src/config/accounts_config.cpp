#include "config/accounts_config.hpp"

#include <set>

#include "config/auth_config.hpp"
#include "config/config_fields.hpp"

namespace gnatsd::config {
namespace {

// nats-server reserves the global account's name; $SYS may be configured like any account.
bool reserved(const std::string& name) {
  return name == "$G";
}

// Account options nats-server 2.9 reads that gnatsd does not implement yet: refused by name
// (docs/COMPATIBILITY.md), never ignored.
std::string account_option_unknown(const std::string& key) {
  static const std::set<std::string> later{"exports",  "imports", "nkey",  "jetstream",
                                           "mappings", "maps",    "limits"};
  if (later.count(lower(key)) != 0)
    return "\"" + key +
           "\" in an account is a nats-server option gnatsd does not implement yet (see "
           "docs/COMPATIBILITY.md)";
  return unknown_field(key);
}

void add_account_list(const value& v, server_options& o) {
  std::set<std::string> seen;
  for (const auto& item : v.items) {
    const std::string name = as_string(item, "accounts");
    if (reserved(name)) bad(item, "\"" + name + "\" is a Reserved Account");
    if (!seen.insert(name).second) bad(item, "Duplicate Account Entry: " + name);
    o.accounts.push_back(account_options{name});
  }
}

void add_account(const std::string& name, const value& v, server_options& o) {
  if (v.type != value::kind::map) bad(v, "Expected map entries for accounts");
  if (reserved(name)) bad(v, "\"" + name + "\" is a Reserved Account");
  std::vector<user_entry> users;
  std::optional<permission_set> defaults;
  apply_map(v,
            {{"users",
              [&](const value& x, const std::string&) {
                if (x.type != value::kind::array) bad(x, "expected an array for \"users\"");
                for (const auto& item : x.items)
                  users.push_back(as_user(item));
              }},
             {"default_permissions",
              [&](const value& x, const std::string&) { defaults = as_permissions(x); }}},
            account_option_unknown);
  for (auto& u : users) {
    u.account = name;
    if (!u.permissions) u.permissions = defaults;
    o.authorization.users.push_back(std::move(u));
  }
  o.accounts.push_back(account_options{name});
}

}  // namespace

void apply_accounts(const value& v, server_options& o, std::vector<std::string>&) {
  if (v.type == value::kind::array) {
    add_account_list(v, o);
    return;
  }
  if (v.type != value::kind::map) bad(v, "Expected map entries for accounts");
  for (const auto& [name, entry] : v.entries) {
    if (entry.used_as_variable) continue;
    add_account(name, entry, o);
  }
}

void check_account_users(const value& where, const server_options& o) {
  bool account_users = false;
  std::set<std::string> names;
  for (const auto& u : o.authorization.users) {
    account_users = account_users || !u.account.empty();
    if (!names.insert(u.user).second) bad(where, "Duplicate user \"" + u.user + "\" detected");
  }
  if (!account_users) return;
  if (!o.authorization.user.empty()) bad(where, "Can not have a single user/pass and accounts");
  if (!o.authorization.token.empty()) bad(where, "Can not have a token and accounts");
}

}  // namespace gnatsd::config
