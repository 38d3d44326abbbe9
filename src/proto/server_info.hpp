// The INFO a server sends to clients first on every connection (section 1.3 of the
// reference): the fields official clients depend on, in nats-server's names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/identity.hpp"

namespace gnatsd::proto {

struct server_info {
  std::string server_id;
  std::string server_name;
  std::string version;
  std::string go = go_version;
  std::string host;
  int port = 0;
  bool headers = true;
  int64_t max_payload = 0;
  int proto = 1;
  uint64_t client_id = 0;
  std::string client_ip;
  bool auth_required = false;
  bool tls_required = false;  // the client must upgrade to TLS after this INFO
  bool tls_verify = false;    // ... and present a certificate
  std::vector<std::string> connect_urls;
  bool ldm = false;  // the server is in lame duck mode: clients should move elsewhere
};

/// Encodes `INFO {...} \r\n` exactly as nats-server frames it (note the space before CRLF).
std::string encode_info(const server_info& info);

/// The INFO up to its per-connection fields: `INFO {...,` (client_id and client_ip follow,
/// then `} \r\n`). Servers cache it, so that a new connection costs no JSON encoding.
std::string encode_info_prefix(const server_info& info);
/// Completes a prefix for one connection; with `encode_info_prefix`, the same bytes as
/// `encode_info` of the same fields.
std::string finish_info(const std::string& prefix, uint64_t client_id, const std::string& client_ip,
                        const std::string& nonce = {});

}  // namespace gnatsd::proto
