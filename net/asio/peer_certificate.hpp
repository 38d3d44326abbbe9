// The names in a TLS peer's certificate (subjectAltName entries and the subject), read with
// OpenSSL after a successful handshake, for mapping client certificates to users.
#pragma once

#include <openssl/ssl.h>

#include "auth/certificate_user.hpp"

namespace gnatsd::net::asio_impl {

/// Empty names when the peer sent no certificate.
certificate_names peer_certificate_names(SSL* ssl);

}  // namespace gnatsd::net::asio_impl
