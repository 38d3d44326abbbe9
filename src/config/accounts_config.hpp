// The `accounts` option of nats-server 2.9: a list of account names, or a map from account
// name to its users, default_permissions, exports and imports. Read with nats-server's
// errors; the parts gnatsd does not implement yet are refused by name.
#pragma once

#include <string>
#include <vector>

#include "config/config_value.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

/// Adds the accounts of `v` to o.accounts and their users (with `account` set) to
/// o.authorization.users.
void apply_accounts(const value& v, server_options& o, std::vector<std::string>& warnings);

/// The checks nats-server makes once the whole file is read: user names unique across the
/// authorization block and every account, and no single user/password or token beside
/// account users. `where`: the accounts value, for the error's position.
void check_account_users(const value& where, const server_options& o);

}  // namespace gnatsd::config
