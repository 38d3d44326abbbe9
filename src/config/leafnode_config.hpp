// The `leafnodes {}` block as nats-server 2.9 reads it (opts.go parseLeafNodes,
// parseLeafAuthorization, parseLeafUsers, parseRemoteLeafNodes; leafnode.go validateLeafNode):
// the same keys, aliases and error texts.
#pragma once

#include <string>
#include <vector>

#include "config/config_value.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

void apply_leafnodes(const value& map, leafnode_options& l, std::vector<std::string>& warnings);

/// nats-server's startup checks of a leafnodes block (validateLeafNode); an empty string when
/// it is fine.
std::string validate_leafnodes(const server_options& o);

}  // namespace gnatsd::config
