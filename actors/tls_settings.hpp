// The TLS settings the server hands its transport, from the `tls {}` blocks of the config.
#pragma once

#include "config/options.hpp"
#include "net/transport.hpp"

namespace gnatsd {

/// Client port: INFO in clear, then a server handshake; client certificates only with
/// `verify`.
net::tls_settings client_tls(const server_options& o);

/// Route port and route dials: TLS first, and both sides present and verify certificates
/// (nats-server requires them on routes whatever `verify` says).
net::tls_settings route_tls(const server_options& o);
net::tls_settings route_tls(const tls_options& cluster_tls);
/// The leafnode port: INFO in clear, then the handshake; client certificates as configured.
net::tls_settings leaf_tls(const tls_options& leaf);

}  // namespace gnatsd
