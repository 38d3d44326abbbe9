// The client_session actor: one per client connection. It owns a client_connection (the
// protocol logic in src/connection) and the net::connection, and turns events into sends:
// read buffers in, protocol replies and delivery batches out, interest changes to the
// interest actor, its end to the server actor.
//
// Hot path (docs/ARCHITECTURE.md, "The data flow of a PUB"): one net_bytes message per read buffer;
// the whole buffer is parsed and matched inside this turn; one deliver message per destination
// session per read buffer; the read credit is returned only after that, which bounds the mailbox.
#pragma once

#include "actors/messages.hpp"
#include "monitor/connection_stats.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct session_config {
  server_context_ptr context;
  net::connection_ptr connection;
  uint64_t cid = 0;
  prng rng;
  server_actor server;
  interest_actor interest;
  system_actor system;  // null without a system account
  bool over_connection_limit = false;
  bool greeted = false;        // the listener already sent the INFO
  connection_stats_ptr stats;  // shared with the server actor, for /connz
  caf::timespan read_turn{};   // set from server_options::read_turn
};

/// Spawns a session for an accepted connection.
session_actor spawn_client_session(caf::actor_system& sys, session_config config);

}  // namespace gnatsd
