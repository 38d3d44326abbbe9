// nats-server's short hashes (getHashSize): the first `size` bytes of SHA-256, each taken
// modulo 62 into [0-9A-Za-z]. Latency tracking uses 8 characters of the server name,
// gateways 6 of the cluster name and of the server id (in "_GR_." reply prefixes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gnatsd {

std::string short_hash(std::string_view text, size_t size);

}  // namespace gnatsd
