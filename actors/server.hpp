// The server actor: one per server process (one per simulated node). It owns the server's
// identity and shared context, accepts client and route connections and spawns a
// client_session or route actor for each, and keeps cluster membership: the registry of
// routes by peer server id (one route per peer), the routes it solicits and their retries,
// and gossip, which turns any connected set of routes into a full mesh.
//
// `start_server` is the one entry point used by the production program and by the
// simulator alike: it binds the listeners through the given transport, spawns the actors
// and logs the startup lines of the clustering guide.
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
  interest_actor interest;
  server_context_ptr context;
  int client_port = 0;
  int cluster_port = 0;  // 0 when not clustered
};

/// Starts a server. Returns false and sets `error` if a listener cannot be bound.
/// `seed` seeds every random choice of the server (its id, queue choices, jitter).
/// `transport` must outlive the server's actors (it is used to dial routes).
/// `machine` gives wall-clock and process facts to the system account's events (the
/// simulator passes none: its times come from the virtual actor clock).
bool start_server(caf::actor_system& sys, net::transport& transport, server_options options,
                  logger_ptr log, uint64_t seed, running_server& out, std::string& error,
                  monitor::machine_facts machine = {});

}  // namespace gnatsd
