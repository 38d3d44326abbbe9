// Password checks for client and route logins: bcrypt hashes ($2a$, $2b$, $2y$, as
// nats-server accepts them) are verified with the system's crypt library (libxcrypt);
// anything else is a plain-text password.
#pragma once

#include <string>
#include <string_view>

namespace gnatsd {

bool is_bcrypt(std::string_view configured);

/// True if the password a client sent matches the configured one.
bool password_matches(const std::string& configured, const std::string& given);

}  // namespace gnatsd
