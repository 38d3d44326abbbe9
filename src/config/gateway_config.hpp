// The `gateway {}` block as nats-server 2.9 reads it (opts.go parseGateway/parseGateways):
// the same keys, aliases and error texts.
#pragma once

#include <string>
#include <vector>

#include "config/config_value.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

void apply_gateway(const value& map, gateway_options& g, std::vector<std::string>& warnings);

/// nats-server's startup checks of a gateway block (validateGatewayOptions and the cluster
/// name rule); an empty string when it is fine.
std::string validate_gateway(const server_options& o);

}  // namespace gnatsd::config
