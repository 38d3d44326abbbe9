#include "config/ports_file.hpp"

#include <nlohmann/json.hpp>

#include "util/host_port.hpp"

namespace gnatsd {
namespace {

std::string url(const std::string& scheme, const std::string& host, int port) {
  return scheme + "://" + join_host_port(host, port);
}

}  // namespace

std::string ports_file_path(const std::string& dir, const std::string& executable, int pid) {
  const auto slash = executable.rfind('/');
  const std::string base = slash == std::string::npos ? executable : executable.substr(slash + 1);
  return dir + "/" + base + "_" + std::to_string(pid) + ".ports";
}

std::string ports_file_json(const ports_listing& p) {
  nlohmann::ordered_json j;
  auto& nats = j["nats"] = nlohmann::ordered_json::array();
  for (const auto& h : p.hosts)
    nats.push_back(url(p.client_tls ? "tls" : "nats", h, p.client_port));
  if (p.http_port != 0) {
    auto& mon = j["monitoring"] = nlohmann::ordered_json::array();
    for (const auto& h : p.hosts)
      mon.push_back(url(p.https ? "https" : "http", h, p.http_port));
  }
  if (p.cluster_port != 0)
    j["cluster"] = nlohmann::ordered_json::array(
        {url(p.cluster_tls ? "tls" : "nats", p.cluster_host, p.cluster_port)});
  return j.dump();
}

}  // namespace gnatsd
