// OpenSSL contexts for the TLS connections of net/asio, built from net::tls_settings.
//
// A server context serves one listener (every connection it accepts shares it); a client
// context is built per route dial. Both refuse TLS below 1.2, as nats-server does.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "net/transport.hpp"

namespace gnatsd::net::asio_impl {

enum class tls_role { server, client };

/// Loads the certificate, key and CA of `settings`. Returns null and stores a message in
/// `error` when one of them does not load.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_settings& settings,
                                                            tls_role role, std::string& error);

/// A failed handshake in nats-server's words where Go has a fixed text for the case (plain
/// text on a TLS port, no client certificate, the peer hung up), else OpenSSL's.
std::string describe_handshake_error(const boost::system::error_code& ec);

/// What a connection needs to run TLS: the shared context and how to use it.
struct tls_plan {
  std::shared_ptr<boost::asio::ssl::context> context;  // null: plain TCP
  tls_settings::mode when = tls_settings::mode::none;
  tls_role role = tls_role::server;
  std::chrono::milliseconds timeout{2000};
};

}  // namespace gnatsd::net::asio_impl
