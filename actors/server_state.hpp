// The server actor's state and the handlers its files share (actors/server*.cpp, lame_duck).
// Private to the server actor: nothing else includes it.
//
// The actor is plumbing: it owns the session and route actors, the transport and the
// timers, and carries out what cluster::membership (src/cluster) decides.
#pragma once

#include <caf/typed_event_based_actor.hpp>
#include <deque>
#include <map>

#include "actors/messages.hpp"
#include "cluster/gateway_registry.hpp"
#include "cluster/leaf_remotes.hpp"
#include "cluster/membership.hpp"
#include "monitor/monitor.hpp"
#include "server/server_context.hpp"
#include "util/prng.hpp"

namespace gnatsd {

struct server_state {
  server_context_ptr context;
  net::transport* transport = nullptr;
  interest_actor interest;
  prng rng;
  // A live connection actor and what /connz and /routez show of it.
  template <class Actor>
  struct child {
    Actor actor;
    connection_stats_ptr stats;
    std::string ip;
    int port = 0;
  };
  std::map<uint64_t, child<session_actor>> sessions;  // by cid
  std::deque<monitor::connection_view> closed;        // the last closed connections, for /connz
  bool shutting_down = false;
  bool links_closed = false;  // shutdown told routes, gateways and leafnodes to close

  // -- system account (actors/system_service) ------------------------------------------------
  system_actor system;  // null without a system account, and once shutdown began
  monitor::machine_facts machine;
  uint64_t system_seed = 0;
  bool system_stopped = false;  // shutdown took it down: never again

  // -- cluster -------------------------------------------------------------------------------
  std::optional<cluster::membership> members;  // set when the actor starts
  uint64_t next_rid = 1;
  std::map<uint64_t, child<route_actor>> route_actors;  // every live route actor, by rid

  // -- gateways (actors/server_gateways.cpp) -------------------------------------------------
  std::optional<cluster::gateway_registry> gateways;        // set when a gateway is configured
  proto::gateway_info gateway_info;                         // what we tell other clusters
  std::map<uint64_t, child<gateway_actor>> gateway_actors;  // every live gateway, by gid
  std::map<uint64_t, server_context::outbound_gateway> outbound;  // registered, by gid

  // -- leafnodes (actors/server_leafs.cpp) ---------------------------------------------------
  std::string leaf_url;                               // ours ("host:port"); empty: no port
  std::map<uint64_t, child<leaf_actor>> leaf_actors;  // every live leafnode, by lid
  std::map<uint64_t, leaf_registration> leafs;        // registered, by lid
  std::optional<cluster::leaf_remotes> remotes;       // the hubs we dial as a leaf
  std::map<size_t, int> leaf_dial_attempts;           // failed dials in a row, by remote

  // -- lame duck mode ------------------------------------------------------------------------
  std::vector<uint64_t> ldm_clients;  // the clients to close, in order
  size_t ldm_next = 0;
  duration ldm_interval{};
};

using server_pointer = server_actor::stateful_pointer<server_state>;

// -- actors/server.cpp ------------------------------------------------------------------------
/// What start_server (actors/server_start.cpp) hands the actor it spawns.
struct server_args {
  server_context_ptr context;
  interest_actor interest;
  net::transport* transport = nullptr;
  cluster::membership::settings cluster;
  uint64_t seed = 0;
  monitor::machine_facts machine;  // the program's clock and process facts (may be empty)
  proto::gateway_info gateway;     // our gateway INFO; empty `gateway`: none
  std::string leaf_url;            // our leafnode URL; empty: no leafnode port
};
server_actor spawn_server_actor(caf::actor_system& sys, server_args args);
void shutdown(server_pointer self);
/// During shutdown: closes the routes, gateways and leafnodes once the last client session
/// is gone, and quits once they are gone too.
void quit_when_empty(server_pointer self);
/// Tells every session that the cluster's client URLs changed.
void announce_connect_urls(server_pointer self);
/// Spawns the system service if there is a system account and none runs yet.
void start_system_service(server_pointer self);

// -- actors/server_routes.cpp -----------------------------------------------------------------
void spawn_route_actor(server_pointer self, net::connection_ptr conn, route_role role);
/// Carries out membership's decisions: dials, timed retries, INFOs to routes, new URLs.
void carry_out(server_pointer self, cluster::decisions out);
void solicit(server_pointer self, const std::string& url, route_role role);
void on_dialed(server_pointer self, const std::string& url, const route_role& role,
               net::connection_ptr& conn, const std::string& error);
void register_route(server_pointer self, uint64_t rid, route_actor& actor,
                    const proto::route_info& peer, const route_role& role,
                    const std::string& remote_host);
void route_closed(server_pointer self, uint64_t rid, const std::string& peer_id,
                  const route_role& role);
void regossip(server_pointer self);
/// How often every route hears about every other registered route again.
constexpr auto regossip_interval = std::chrono::seconds{5};

// -- actors/server_gateways.cpp ---------------------------------------------------------------
void spawn_gateway_actor(server_pointer self, net::connection_ptr conn, gateway_role role);
void solicit_gateways(server_pointer self);
void dial_gateway(server_pointer self, const cluster::gateway_dial& d);
void on_gateway_dialed(server_pointer self, const cluster::gateway_dial& d,
                       net::connection_ptr& conn, const std::string& error);
void register_gateway(server_pointer self, uint64_t gid, gateway_actor& actor,
                      const proto::gateway_info& peer, bool outbound, const std::string& name,
                      gateway_link link);
void gateway_learned(server_pointer self, const proto::gateway_info& info);
void gateway_closed(server_pointer self, uint64_t gid, bool outbound, const std::string& name,
                    bool no_redial);
/// Tells a new route which clusters we have gateways to (nats-server's
/// sendGatewayConfigsToRoute).
void gateway_configs_to_route(server_pointer self, route_actor& route);
/// Every few seconds: each inbound gateway hears again of the clusters we reach, so that a
/// server that gave one up (dials failed during a partition) learns it again (a deliberate
/// addition to nats-server's gossip, which happens once per connection).
void regossip_gateways(server_pointer self);
/// Our gateway INFO lists the gateway URL of every server of the cluster (from the routes'
/// INFOs); called when a route registers or closes.
void refresh_gateway_urls(server_pointer self);

// -- actors/server_leafs.cpp ------------------------------------------------------------------
void spawn_leaf_actor(server_pointer self, net::connection_ptr conn, leaf_role role);
void solicit_leafnodes(server_pointer self);
void dial_leaf(server_pointer self, const cluster::leaf_dial& d);
void on_leaf_dialed(server_pointer self, const cluster::leaf_dial& d, net::connection_ptr& conn,
                    const std::string& error);
void register_leaf(server_pointer self, uint64_t lid, leaf_actor& actor, leaf_registration& reg);
void leaf_urls_learned(server_pointer self, size_t remote, const std::vector<std::string>& urls);
void leaf_closed(server_pointer self, uint64_t lid, bool solicited, size_t remote, duration extra);
/// The leafnode URLs of this cluster (ours and the routes' peers'), as our INFO lists them.
std::vector<std::string> cluster_leaf_urls(server_pointer self);

// -- actors/server_reload.cpp -----------------------------------------------------------------
void reload(server_pointer self, const server_options& fresh);

// -- actors/lame_duck.cpp ---------------------------------------------------------------------
void enter_lame_duck(server_pointer self, int client_port);
void close_next_lame_duck_client(server_pointer self);

}  // namespace gnatsd
