// The system service: one per server that has a system account, standing in for
// nats-server's internal system client. It holds the system account's subscriptions for
// `$SYS.REQ.` requests (announced to routes like any interest, so a PING reaches every server
// of the cluster and each answers), publishes the events (client CONNECT and DISCONNECT,
// account connection counts, the STATSZ heartbeat, SHUTDOWN) through the same message router
// as a client, and tracks the other servers from their STATSZ and SHUTDOWN events.
//
// Endpoint JSON comes from the server actor (`sys_query`), which owns the monitoring
// snapshot; the answer comes back as `sys_answer` and is wrapped and published here.
#pragma once

#include "actors/messages.hpp"
#include "monitor/monitor.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct system_config {
  server_context_ptr context;
  server_actor server;
  interest_actor interest;
  monitor::machine_facts machine;  // empty: times from the actor clock (the simulator)
  std::string cluster;             // the cluster's name; empty when not clustered
  prng rng;
};

system_actor spawn_system_service(caf::actor_system& sys, system_config config);

}  // namespace gnatsd
