// A peer without credentials attacking a server's cluster port (that requires a login:
// scenario_plan::route_auth) or gateway port. It tries what the cluster safety issue's
// attacker did and more, one transcript per connection: asking for every subject, injecting
// messages (whose payloads were never published: a delivery would be a phantom), a wrong
// password, a route INFO, client and leafnode operations. It must get the server's INFO,
// maybe a PING, and then only nats-server's refusal: never a message, an interest line, a
// PONG or gossip.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "sim/sim_network.hpp"

namespace gnatsd::sim {

class hostile_peer {
 public:
  /// Opens a connection to `host`:`port` (server `server`) and sends the next transcript,
  /// unless the last one is still being answered. `k`: which peer (its phantom ids).
  void attack(sim_network& net, const std::string& host, int server, int port,
              const std::string& route_user, int k);
  /// The first line received that an unauthenticated peer must never get; empty if none.
  std::string violation() const;
  void close() {
    if (conn_) conn_->close();
  }

 private:
  std::shared_ptr<sim_client> conn_;
  size_t attacks_ = 0;
};

}  // namespace gnatsd::sim
