// The `authorization {}` block and what it shares with `accounts {}`: users, their
// permissions, nats-server's rules between user/password, token and users.
#pragma once

#include <string>
#include <vector>

#include "config/config_value.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

permission_set as_permissions(const value& map);
/// One entry of a `users` list.
user_entry as_user(const value& map);
void apply_authorization(const value& map, authorization_options& auth,
                         std::vector<std::string>& warnings);

}  // namespace gnatsd::config
