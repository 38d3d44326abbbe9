// "host:port" as Go's net.JoinHostPort writes it: IPv6 hosts in brackets ("[::1]:4222"),
// so log prefixes read like nats-server's.
#pragma once

#include <string>

namespace gnatsd {

inline std::string join_host_port(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace gnatsd
