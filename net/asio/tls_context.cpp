#include "net/asio/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

namespace gnatsd::net::asio_impl {
namespace ssl = boost::asio::ssl;

namespace {

// Loads our own certificate chain and key; every failure is reported the way nats-server
// words a bad key pair.
bool load_key_pair(ssl::context& ctx, const tls_settings& s, std::string& error) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(s.cert_file, ec);
  if (!ec) ctx.use_private_key_file(s.key_file, ssl::context::pem, ec);
  if (!ec && SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    ec = boost::system::error_code{static_cast<int>(ERR_get_error()),
                                   boost::asio::error::get_ssl_category()};
  if (!ec) return true;
  error = "error parsing X509 certificate/key pair: " + ec.message();
  return false;
}

bool load_trust(ssl::context& ctx, const tls_settings& s, tls_role role, std::string& error) {
  boost::system::error_code ec;
  if (s.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(s.ca_file, ec);
    // Tell clients which CAs we accept, so they pick the right certificate.
    if (!ec && role == tls_role::server)
      SSL_CTX_set_client_CA_list(ctx.native_handle(), SSL_load_client_CA_file(s.ca_file.c_str()));
  }
  if (!ec) return true;
  error = "error loading CA file " + s.ca_file + ": " + ec.message();
  return false;
}

// Go's cipher names (`cipher_suites`) are IANA names; OpenSSL's cipher lists want its own.
// They only restrict TLS 1.2, as in Go (TLS 1.3 suites are not configurable there).
bool apply_cipher_suites(SSL_CTX* ctx, const std::vector<std::string>& names, std::string& error) {
  if (names.empty()) return true;
  SSL_CTX_set_cipher_list(ctx, "ALL");
  const STACK_OF(SSL_CIPHER)* all = SSL_CTX_get_ciphers(ctx);
  std::string list;
  for (std::string name : names) {
    // Go spells two ChaCha20 suites without the hash.
    if (name.size() > 17 && name.compare(name.size() - 17, 17, "CHACHA20_POLY1305") == 0)
      name += "_SHA256";
    for (int i = 0; i < sk_SSL_CIPHER_num(all); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(all, i);
      if (SSL_CIPHER_get_version(c) != std::string{"TLSv1.3"} &&
          name == SSL_CIPHER_standard_name(c))
        list += (list.empty() ? "" : ":") + std::string{SSL_CIPHER_get_name(c)};
    }
  }
  if (!list.empty() && SSL_CTX_set_cipher_list(ctx, list.c_str()) == 1) return true;
  // Only TLS 1.3 names, or suites this OpenSSL lacks (RC4): nothing left for TLS 1.2.
  if (list.empty() && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1) return true;
  error = "none of the cipher_suites is available";
  return false;
}

bool apply_groups(SSL_CTX* ctx, const std::vector<std::string>& groups, std::string& error) {
  if (groups.empty()) return true;
  std::string list;
  for (const auto& g : groups)
    list += (list.empty() ? "" : ":") + g;
  if (SSL_CTX_set1_groups_list(ctx, list.c_str()) == 1) return true;
  error = "unsupported curve_preferences " + list;
  return false;
}

}  // namespace

std::string describe_handshake_error(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::eof || ec == ssl::error::stream_truncated) return "EOF";
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
      case SSL_R_HTTP_REQUEST:
      case SSL_R_HTTPS_PROXY_REQUEST:  // "CONNECT {...}" looks like a proxy request to OpenSSL
      case SSL_R_WRONG_VERSION_NUMBER:
      case SSL_R_PACKET_LENGTH_TOO_LONG:
        return "tls: first record does not look like a TLS handshake";
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return "tls: client didn't provide a certificate";
      default:
        break;
    }
  }
  return ec.message();
}

std::shared_ptr<ssl::context> make_tls_context(const tls_settings& s, tls_role role,
                                               std::string& error) {
  auto ctx = std::make_shared<ssl::context>(role == tls_role::server ? ssl::context::tls_server
                                                                     : ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  if (!load_key_pair(*ctx, s, error) || !load_trust(*ctx, s, role, error) ||
      !apply_cipher_suites(ctx->native_handle(), s.cipher_suites, error) ||
      !apply_groups(ctx->native_handle(), s.groups, error))
    return nullptr;
  if (role == tls_role::client && s.insecure) {
    ctx->set_verify_mode(ssl::verify_none);
  } else if (role == tls_role::client) {
    ctx->set_verify_mode(ssl::verify_peer);
    if (!s.server_name.empty())
      ctx->set_verify_callback(ssl::host_name_verification{s.server_name});
  } else if (s.verify_peer) {
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  return ctx;
}

}  // namespace gnatsd::net::asio_impl
