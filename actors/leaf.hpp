// The leafnode actor: one per leafnode connection. It owns a leaf_connection
// (src/connection) and the net::connection: read buffers in; protocol, interest and LMSG
// batches out; its registration, the hub's URLs, its interest changes and its end to the
// server actor and the interest actor.
#pragma once

#include "actors/messages.hpp"
#include "connection/leaf_connection.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct leaf_config {
  server_context_ptr context;
  net::connection_ptr connection;
  uint64_t lid = 0;
  leaf_role role;
  std::vector<std::string> leafnode_urls;  // accepted: what our INFO lists
  prng rng;
  server_actor server;
  interest_actor interest;
  connection_stats_ptr stats;
};

leaf_actor spawn_leaf(caf::actor_system& sys, leaf_config config);

}  // namespace gnatsd
