// The route actor: one per route connection. It owns a route_connection (src/connection) and
// the net::connection, and turns events into sends: read buffers in; protocol, interest and
// RMSG batches out; registration requests and gossip to the server actor; its end to the
// server and the interest actor.
#pragma once

#include "actors/messages.hpp"
#include "proto/route_info.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct route_config {
  server_context_ptr context;
  net::connection_ptr connection;
  uint64_t rid = 0;
  route_role role;
  proto::route_info local_info;  // what we tell the peer about ourselves
  prng rng;
  server_actor server;
  interest_actor interest;
  connection_stats_ptr stats;  // shared with the server actor, for /routez
};

route_actor spawn_route(caf::actor_system& sys, route_config config);

}  // namespace gnatsd
