// Which option changes a config reload can apply while the server runs. gnatsd applies log
// levels, authorization (users, passwords, permissions, token) and the routes to solicit;
// anything else that differs refuses the whole reload, with a line in nats-server's words.
#pragma once

#include <string>

#include "config/options.hpp"

namespace gnatsd {

/// The first option that differs between the configuration the server runs with and a
/// freshly read one and cannot change live ("config reload not supported for Port: old=4222,
/// new=4223"); empty when the reload can be applied. Both must be as parsed (before ports
/// were bound), so that `-p -1` compares equal to itself.
std::string unreloadable_change(const server_options& running, const server_options& fresh);

}  // namespace gnatsd
