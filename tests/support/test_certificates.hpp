// Certificates for the TLS tests, generated once per test process with the openssl command:
// a CA, a server certificate for 127.0.0.1 and localhost, client certificates from the same
// CA (two of them naming users for verify_and_map), and a client certificate from another
// CA that the servers must refuse.
#pragma once

#include <string>

namespace gnatsd::testing {

struct test_certificates {
  std::string dir;
  std::string ca;                                 // the CA every server trusts
  std::string server_cert, server_key;            // CN=server, SAN IP:127.0.0.1, DNS:localhost
  std::string next_server_cert, next_server_key;  // the same for CN=server-next (rotation)
  std::string client_cert, client_key;            // signed by `ca`
  std::string rogue_cert, rogue_key;              // signed by another CA
  std::string alice_cert, alice_key;              // SAN email:alice@example.com
  std::string bob_cert, bob_key;  // subject O=acme, OU=eng, CN=bob; SAN DNS:bob-laptop
};

/// Generates the files on first use (fails the calling test if openssl fails).
const test_certificates& certificates();

/// The key id `pinned_certs` lists for a certificate: hex SHA-256 of its DER
/// SubjectPublicKeyInfo, computed with the openssl command.
std::string key_id_of(const std::string& cert_file);

}  // namespace gnatsd::testing
