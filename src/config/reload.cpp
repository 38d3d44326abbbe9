#include "config/reload.hpp"

namespace gnatsd {
namespace {

std::string text(const std::string& s) {
  return s;
}
std::string text(int64_t n) {
  return std::to_string(n);
}
std::string text(duration d) {
  return format_go_duration(d);
}

}  // namespace

// Limits (max_payload, max_pending, ping_interval, ...) are absent: they reload live
// (server_context::set_limits). So are log levels, authorization and routes.
std::string unreloadable_change(const server_options& a, const server_options& b) {
  std::string out;
  auto check = [&](const char* name, const auto& old_value, const auto& new_value) {
    if (!out.empty() || old_value == new_value) return;
    out = std::string{"config reload not supported for "} + name + ": old=" + text(old_value) +
          ", new=" + text(new_value);
  };
  check("Host", a.host, b.host);
  check("Port", int64_t{a.port}, int64_t{b.port});
  check("ServerName", a.server_name, b.server_name);
  check("HTTPHost", a.http_host, b.http_host);
  check("HTTPPort", int64_t{a.http_port}, int64_t{b.http_port});
  check("HTTPSPort", int64_t{a.https_port}, int64_t{b.https_port});
  check("LogFile", a.log_file, b.log_file);
  check("PidFile", a.pid_file, b.pid_file);
  check("PortsFileDir", a.ports_file_dir, b.ports_file_dir);
  check("WorkerThreads", int64_t{a.worker_threads}, int64_t{b.worker_threads});
  check("LameDuckDuration", a.lame_duck_duration, b.lame_duck_duration);
  check("LameDuckGracePeriod", a.lame_duck_grace_period, b.lame_duck_grace_period);
  check("Cluster.Host", a.cluster.host, b.cluster.host);
  check("Cluster.Port", int64_t{a.cluster.port}, int64_t{b.cluster.port});
  check("Cluster.Name", a.cluster.name, b.cluster.name);
  check("Cluster.Advertise", a.cluster.advertise, b.cluster.advertise);
  check("Cluster.NoAdvertise", int64_t{a.cluster.no_advertise}, int64_t{b.cluster.no_advertise});
  check("Cluster.Username", a.cluster.authorization.user, b.cluster.authorization.user);
  if (out.empty() && a.cluster.authorization.password != b.cluster.authorization.password)
    out = "config reload not supported for Cluster.Password";  // never logged in clear
  if (out.empty() && a.cluster.permissions.has_value() != b.cluster.permissions.has_value())
    out = "config reload not supported for Cluster.Permissions";
  if (out.empty() && a.cluster.permissions &&
      !a.cluster.permissions->same_rules(*b.cluster.permissions))
    out = "config reload not supported for Cluster.Permissions";
  check("Logtime", int64_t{a.logtime}, int64_t{b.logtime});
  // As nats-server: a gateway block does not reload (its text names no values: passwords).
  if (out.empty() && !(a.gateway == b.gateway)) out = "config reload not supported for Gateway";
  if (out.empty() && !(a.leafnodes == b.leafnodes))
    out = "config reload not supported for LeafNode";
  // TLS reloads (the server actor swaps the listeners' contexts and dials with the new one).
  return out;
}

}  // namespace gnatsd
