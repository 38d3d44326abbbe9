// The ports file of `--ports_file_dir`: `<executable>_<pid>.ports`, holding the URLs a
// client, a monitoring tool or a peer can reach this server on, as nats-server writes it
// (`{"nats":[...],"monitoring":[...],"cluster":[...]}`); removed at shutdown.
#pragma once

#include <string>
#include <vector>

namespace gnatsd {

struct ports_listing {
  std::vector<std::string> hosts;  // addresses of the client and monitoring listeners
  int client_port = 0;
  int http_port = 0;  // 0: no monitoring
  std::string cluster_host;
  int cluster_port = 0;  // 0: not clustered
  // TLS listeners are listed with nats-server's schemes: tls:// and https://.
  bool client_tls = false, https = false, cluster_tls = false;
};

std::string ports_file_path(const std::string& dir, const std::string& executable, int pid);
std::string ports_file_json(const ports_listing& ports);

}  // namespace gnatsd
