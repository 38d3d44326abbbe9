// Which configured user a client certificate stands for (`tls { verify_and_map: true }`),
// decided as nats-server 2.9.10 does (auth.go, checkClientTLSCertSubject), first match wins:
//   1. an email address of the subjectAltName,
//   2. a DNS name of the subjectAltName,
//   3. a URI of the subjectAltName,
//   4. the subject as a distinguished name: a user named "CN=bob,OU=eng,O=acme" matches
//      the subject with the same attributes, first in the order Go prints them (the
//      certificate's, reversed), then in any order; attribute types ignore case, values do
//      not; spaces after the commas are allowed,
//   5. the subject's text as Go prints it (RFC 2253 order: "CN=bob,OU=eng,O=acme").
// The transport extracts the names from the verified certificate; this file only decides.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gnatsd {

/// The names a peer certificate carries.
struct certificate_names {
  std::vector<std::string> emails, dns_names, uris;  // subjectAltName entries, in order
  // The subject's attributes in the certificate's order: ("O", "acme"), ("CN", "bob").
  std::vector<std::pair<std::string, std::string>> subject;
  std::string subject_text;  // "CN=bob,O=acme"
  // Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo (`pinned_certs`); empty without
  // a certificate.
  std::string key_id;
};

/// `pinned_certs`: whether the peer's certificate may be used (any, when none are pinned).
/// On refusal `why` gets nats-server's debug line.
bool certificate_pinned(const certificate_names& peer, const std::vector<std::string>& pinned,
                        std::string& why);

struct certificate_match {
  std::string user;  // the configured user name that matched
  std::string how;   // nats-server's debug line: "Using email found in cert for auth [...]"
};

/// The first of `users` (configured user names) the certificate names, or nullopt.
std::optional<certificate_match> user_for_certificate(const certificate_names& names,
                                                      const std::vector<std::string>& users);

}  // namespace gnatsd
