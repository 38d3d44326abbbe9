// The server actor: one per server process (one per simulated node). It owns the server's
// identity and shared context, accepts connections from the listener and spawns a
// client_session for each, and keeps the registry of live sessions. Clustering (routes,
// gossip) joins it in the clustering issue.
//
// `start_server` is the one entry point used by the production program and by the
// simulator alike: it binds the client listener through the given transport, spawns the
// actors and logs the startup lines of the clustering guide.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "config/options.hpp"
#include "log/logger.hpp"
#include "net/transport.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

struct running_server {
  server_actor actor;
  sublist_actor interest;
  server_context_ptr context;
  int client_port = 0;
};

/// Starts a server. Returns false and sets `error` if the listener cannot be bound.
/// `seed` seeds every random choice of the server (its id, queue choices, jitter).
bool start_server(caf::actor_system& sys, net::transport& transport, server_options options,
                  logger_ptr log, uint64_t seed, running_server& out, std::string& error);

}  // namespace gnatsd
