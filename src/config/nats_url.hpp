// Parsing of the URLs the clustering guide uses: `nats://host:port`,
// `nats-route://user:pass@host:port/`, or a bare `host:port`.
#pragma once

#include <string>

#include "util/host_port.hpp"

namespace gnatsd {

struct nats_url {
  std::string host;
  int port = 0;
  std::string user;
  std::string pass;

  /// "host:port", the form used in log lines and to compare URLs.
  std::string host_port() const { return join_host_port(host, port); }
};

/// Returns false if `text` has no host:port with a numeric port.
bool parse_nats_url(const std::string& text, nats_url& out);

/// `text` with its password replaced by "xxxxx" (Go's URL.Redacted, which nats-server uses
/// wherever it logs a route URL): "nats://ruser:xxxxx@host:4248".
std::string redacted_url(const std::string& text);

}  // namespace gnatsd
