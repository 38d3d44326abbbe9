#include "actors/tls_settings.hpp"

#include <map>

namespace gnatsd {
namespace {

net::tls_settings from_options(const tls_options& t, net::tls_settings::mode when) {
  net::tls_settings s;
  if (!t.enabled) return s;
  s.when = when;
  s.cert_file = t.cert_file;
  s.key_file = t.key_file;
  s.ca_file = t.ca_file;
  s.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(t.timeout);
  s.cipher_suites = t.cipher_suites;
  s.insecure = t.insecure;
  // Go's curve names to OpenSSL's group names.
  static const std::map<std::string, std::string> groups = {
      {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
  for (const auto& c : t.curve_preferences)
    if (auto it = groups.find(c); it != groups.end()) s.groups.push_back(it->second);
  return s;
}

}  // namespace

net::tls_settings client_tls(const server_options& o) {
  auto s = from_options(o.tls, net::tls_settings::mode::after_greeting);
  s.verify_peer = o.tls.verify;
  return s;
}

net::tls_settings route_tls(const tls_options& cluster_tls) {
  auto s = from_options(cluster_tls, net::tls_settings::mode::first);
  s.verify_peer = true;
  return s;
}

net::tls_settings route_tls(const server_options& o) {
  return route_tls(o.cluster.tls);
}

}  // namespace gnatsd

namespace gnatsd {

net::tls_settings leaf_tls(const tls_options& leaf) {
  // The hub's INFO goes out in clear, then the leaf starts the handshake (nats-server 2.9).
  auto s = from_options(leaf, net::tls_settings::mode::after_greeting);
  s.verify_peer = leaf.verify;
  return s;
}

}  // namespace gnatsd
