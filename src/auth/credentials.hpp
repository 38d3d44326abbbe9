// A NATS credentials file (`nsc` writes them): a user JWT and the user's nkey seed, each
// between "-----BEGIN ...-----" / "------END ...------" lines. A leafnode remote's
// `credentials` logs in with the JWT and the nonce signed by the seed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gnatsd {

struct user_credentials {
  std::string jwt;
  std::string seed;
};

/// The JWT and the seed of a credentials file's text; nothing if either block is missing.
std::optional<user_credentials> parse_credentials(std::string_view text);

}  // namespace gnatsd
