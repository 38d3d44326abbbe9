#include "tls_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace gnatsd::testing {
namespace {

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads the plain INFO line byte by byte, so no TLS byte is consumed with it.
bool skip_info(int fd) {
  char c = 0, last = 0;
  while (::read(fd, &c, 1) == 1) {
    if (last == '\r' && c == '\n') return true;
    last = c;
  }
  return false;
}

}  // namespace

tls_probe_result tls_probe(int port, const std::string& ca_file, bool tls12_only, bool greeting,
                           const std::string& cert, const std::string& key) {
  tls_probe_result r;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (tls12_only) SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  if (!cert.empty()) {
    SSL_CTX_use_certificate_file(ctx.get(), cert.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM);
  }
  const int fd = connect_loopback(port);
  if (fd < 0) return r;
  if (!greeting || skip_info(fd)) {
    SSL* ssl = SSL_new(ctx.get());
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      r.ok = true;
      r.version = SSL_get_version(ssl);
      r.cipher = SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl));
      if (X509* cert = SSL_get1_peer_certificate(ssl)) {
        char name[256];
        r.subject = X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
        X509_free(cert);
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
  }
  ::close(fd);
  return r;
}

std::string https_get(int port, const std::string& path, const std::string& ca_file) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const int fd = connect_loopback(port);
  if (fd < 0) return {};
  std::string response;
  SSL* ssl = SSL_new(ctx.get());
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    char buf[4096];
    int n = 0;
    while ((n = SSL_read(ssl, buf, sizeof buf)) > 0)
      response.append(buf, static_cast<size_t>(n));
  }
  SSL_free(ssl);
  ::close(fd);
  return response;
}

}  // namespace gnatsd::testing
