// The gateway actor: one per gateway connection. It owns a gateway_connection
// (src/connection) and the net::connection: read buffers in; protocol, interest and RMSG
// batches out; its registration, the clusters it learned of and its end to the server
// actor and the interest actor.
#pragma once

#include "actors/messages.hpp"
#include "connection/gateway_connection.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct gateway_config {
  server_context_ptr context;
  net::connection_ptr connection;
  uint64_t gid = 0;
  gateway_role role;
  proto::gateway_info local_info;
  prng rng;
  server_actor server;
  interest_actor interest;
  connection_stats_ptr stats;
};

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_config config);

}  // namespace gnatsd
