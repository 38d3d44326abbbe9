// Connects to a gnatsd client port as a TLS client would (plain INFO, then the handshake)
// and reports what was negotiated, for tests of the TLS settings.
#pragma once

#include <string>

namespace gnatsd::testing {

struct tls_probe_result {
  bool ok = false;
  std::string version;  // "TLSv1.2"
  std::string cipher;   // IANA name
  std::string subject;  // the server certificate's, "/CN=server"
};

/// Handshakes with 127.0.0.1:port trusting `ca_file`, offering TLS 1.2 at most when
/// `tls12_only`. A client port greets in clear first; a route port (`greeting` false)
/// handshakes at once and wants a certificate (`cert`, `key`).
tls_probe_result tls_probe(int port, const std::string& ca_file, bool tls12_only,
                           bool greeting = true, const std::string& cert = {},
                           const std::string& key = {});

/// An HTTPS GET of `path` on 127.0.0.1:port trusting `ca_file` (TLS from the first byte);
/// returns the whole response (status line, headers, body), "" when the handshake fails.
std::string https_get(int port, const std::string& path, const std::string& ca_file);

}  // namespace gnatsd::testing
