// The typed message catalogue of the actor layer: atoms, message payload types and the
// typed actor interfaces. Every message an actor accepts is declared here, so the compiler
// checks each send against the receiver's interface.
//
// Data plane messages carry whole buffers (one per read buffer per destination); control
// plane messages carry single events (accept, close, interest changes).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cluster/gateway_registry.hpp"
#include "cluster/leaf_remotes.hpp"
#include "connection/client_connection.hpp"
#include "connection/gateway_connection.hpp"
#include "connection/leaf_connection.hpp"
#include "connection/route_connection.hpp"
#include "monitor/monitor.hpp"
#include "net/http_server.hpp"
#include "net/transport.hpp"
#include "proto/gateway_info.hpp"
#include "proto/route_info.hpp"

namespace gnatsd {

/// A client logged in to an account (`connected`) or left it: what the system account's
/// CONNECT and DISCONNECT events say of it is read from its live statistics.
struct client_event {
  bool connected = true;
  uint64_t cid = 0;
  std::string host;
  connection_stats_ptr stats;
  std::string reason;  // disconnect only
  /// A leafnode connection bound to this account came or went (only its counts change).
  std::string leaf_account;
};

}  // namespace gnatsd

CAF_BEGIN_TYPE_ID_BLOCK(gnatsd, caf::first_custom_type_id)
// Network events from the transport adapter to the connection's actor.
CAF_ADD_ATOM(gnatsd, gnatsd, net_bytes_atom, "netbytes")
CAF_ADD_ATOM(gnatsd, gnatsd, net_closed_atom, "netclosed")
CAF_ADD_ATOM(gnatsd, gnatsd, net_tls_atom, "nettls")
// A listener accepted a connection.
CAF_ADD_ATOM(gnatsd, gnatsd, accepted_atom, "accepted")
// Frames from a publisher's read buffer for one destination session.
CAF_ADD_ATOM(gnatsd, gnatsd, deliver_atom, "deliver")
// A publisher used up a subscription's auto-unsubscribe limit.
CAF_ADD_ATOM(gnatsd, gnatsd, expired_atom, "expired")
// Timers.
CAF_ADD_ATOM(gnatsd, gnatsd, ping_timer_atom, "pingtimer")
CAF_ADD_ATOM(gnatsd, gnatsd, auth_timer_atom, "authtimer")
CAF_ADD_ATOM(gnatsd, gnatsd, deadline_timer_atom, "deadline")
CAF_ADD_ATOM(gnatsd, gnatsd, stall_timer_atom, "stalltimer")
CAF_ADD_ATOM(gnatsd, gnatsd, read_on_atom, "readon")
// Local interest changes, session -> interest actor.
CAF_ADD_ATOM(gnatsd, gnatsd, interest_atom, "interest")
// A session ended, session -> server.
CAF_ADD_ATOM(gnatsd, gnatsd, session_closed_atom, "sessclosed")
// Orderly shutdown, server -> everyone.
CAF_ADD_ATOM(gnatsd, gnatsd, shutdown_atom, "shutdown")
// Read-only queries (monitoring, tests).
CAF_ADD_ATOM(gnatsd, gnatsd, stats_atom, "stats")
// Routes: accepted or dialled connections, registration, gossip, interest, retries.
CAF_ADD_ATOM(gnatsd, gnatsd, route_accepted_atom, "raccepted")
CAF_ADD_ATOM(gnatsd, gnatsd, route_dialed_atom, "rdialed")
CAF_ADD_ATOM(gnatsd, gnatsd, route_retry_atom, "rretry")
CAF_ADD_ATOM(gnatsd, gnatsd, register_route_atom, "rregister")
CAF_ADD_ATOM(gnatsd, gnatsd, registered_atom, "registered")
CAF_ADD_ATOM(gnatsd, gnatsd, refused_atom, "refused")
CAF_ADD_ATOM(gnatsd, gnatsd, learned_route_atom, "rlearned")
CAF_ADD_ATOM(gnatsd, gnatsd, route_closed_atom, "rclosed")
CAF_ADD_ATOM(gnatsd, gnatsd, route_send_atom, "rsend")
CAF_ADD_ATOM(gnatsd, gnatsd, snapshot_atom, "snapshot")
CAF_ADD_ATOM(gnatsd, gnatsd, add_route_atom, "raddroute")
CAF_ADD_ATOM(gnatsd, gnatsd, remove_route_atom, "rremove")
// The cluster's client URLs changed (server -> sessions).
CAF_ADD_ATOM(gnatsd, gnatsd, urls_atom, "urls")
// A monitoring HTTP request (HTTP layer -> server).
CAF_ADD_ATOM(gnatsd, gnatsd, monitor_atom, "monitor")
// Periodic re-announcement of the cluster's members (server -> itself).
CAF_ADD_ATOM(gnatsd, gnatsd, regossip_atom, "regossip")
CAF_ADD_ATOM(gnatsd, gnatsd, lame_duck_atom, "lameduck")
CAF_ADD_ATOM(gnatsd, gnatsd, ldm_close_atom, "ldmclose")
CAF_ADD_ATOM(gnatsd, gnatsd, reload_atom, "reload")
// A reload lowered max_connections below the number of clients: this one must go.
CAF_ADD_ATOM(gnatsd, gnatsd, over_limit_atom, "overlimit")
// The system account: a client logged in or left (session -> system service), the service
// asks the server for an endpoint's JSON and gets it back, its statsz heartbeat.
CAF_ADD_ATOM(gnatsd, gnatsd, client_event_atom, "clientev")
CAF_ADD_ATOM(gnatsd, gnatsd, sys_query_atom, "sysquery")
CAF_ADD_ATOM(gnatsd, gnatsd, sys_answer_atom, "sysanswer")
CAF_ADD_ATOM(gnatsd, gnatsd, statsz_timer_atom, "statsztmr")
// A connection measured a service request's latency (accounts/service_latency.hpp).
CAF_ADD_ATOM(gnatsd, gnatsd, latency_atom, "latency")
CAF_ADD_ATOM(gnatsd, gnatsd, timeouts_atom, "timeouts")
// Gateways: the server's connections to other clusters.
CAF_ADD_ATOM(gnatsd, gnatsd, gateway_accepted_atom, "gaccepted")
CAF_ADD_ATOM(gnatsd, gnatsd, gateway_dialed_atom, "gdialed")
CAF_ADD_ATOM(gnatsd, gnatsd, gateway_dial_atom, "gdial")
CAF_ADD_ATOM(gnatsd, gnatsd, solicit_gateways_atom, "gsolicit")
CAF_ADD_ATOM(gnatsd, gnatsd, register_gateway_atom, "gregister")
CAF_ADD_ATOM(gnatsd, gnatsd, gateway_learned_atom, "glearned")
CAF_ADD_ATOM(gnatsd, gnatsd, gateway_closed_atom, "gclosed")
CAF_ADD_ATOM(gnatsd, gnatsd, cluster_interest_atom, "cinterest")
CAF_ADD_ATOM(gnatsd, gnatsd, add_gateway_atom, "gadd")
CAF_ADD_ATOM(gnatsd, gnatsd, remove_gateway_atom, "gremove")
// Leafnodes: accepted and dialled connections, registration, the hub's URLs, the end.
CAF_ADD_ATOM(gnatsd, gnatsd, leaf_accepted_atom, "laccepted")
CAF_ADD_ATOM(gnatsd, gnatsd, leaf_dial_atom, "ldial")
CAF_ADD_ATOM(gnatsd, gnatsd, leaf_dialed_atom, "ldialed")
CAF_ADD_ATOM(gnatsd, gnatsd, register_leaf_atom, "lregister")
CAF_ADD_ATOM(gnatsd, gnatsd, leaf_urls_atom, "lurls")
CAF_ADD_ATOM(gnatsd, gnatsd, leaf_closed_atom, "lclosed")
CAF_ADD_ATOM(gnatsd, gnatsd, add_leaf_atom, "laddleaf")
CAF_ADD_ATOM(gnatsd, gnatsd, remove_leaf_atom, "lremove")
CAF_END_TYPE_ID_BLOCK(gnatsd)

// Handles and values that never leave the process; CAF needs no serializer for them.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::net::connection_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::net::tls_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<gnatsd::interest_change>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::proto::route_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::route_role)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::monitor::clock_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::net::http_respond)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const gnatsd::server_options>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::client_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::latency_sample)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::proto::gateway_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::cluster::gateway_dial)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::gateway_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::cluster::leaf_dial)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::leaf_registration)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gnatsd::leaf_audience)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<std::string>)

namespace gnatsd {

/// One per client connection (actors/client_session.hpp).
using session_actor = caf::typed_actor<
    caf::reacts_to<net_bytes_atom, std::vector<char>>, caf::reacts_to<net_closed_atom, std::string>,
    caf::reacts_to<net_tls_atom, net::tls_outcome>,
    caf::reacts_to<deliver_atom, std::vector<char>, uint64_t>,
    caf::reacts_to<expired_atom, uint64_t>, caf::reacts_to<ping_timer_atom>,
    caf::reacts_to<auth_timer_atom>, caf::reacts_to<deadline_timer_atom>,
    caf::reacts_to<stall_timer_atom>, caf::reacts_to<read_on_atom>, caf::reacts_to<urls_atom>,
    caf::reacts_to<shutdown_atom>, caf::reacts_to<reload_atom>, caf::reacts_to<over_limit_atom>>;

/// One per route connection (actors/route.hpp).
using route_actor =
    caf::typed_actor<caf::reacts_to<net_bytes_atom, std::vector<char>>,
                     caf::reacts_to<net_closed_atom, std::string>,
                     caf::reacts_to<net_tls_atom, net::tls_outcome>,
                     caf::reacts_to<deliver_atom, std::vector<char>, uint64_t>,
                     caf::reacts_to<route_send_atom, std::string>,
                     caf::reacts_to<snapshot_atom, std::string>, caf::reacts_to<registered_atom>,
                     caf::reacts_to<refused_atom, std::string>, caf::reacts_to<ping_timer_atom>,
                     caf::reacts_to<auth_timer_atom>, caf::reacts_to<deadline_timer_atom>,
                     caf::reacts_to<reload_atom>, caf::reacts_to<shutdown_atom>>;

/// One per gateway connection (actors/gateway.hpp). It takes the messages a route takes
/// (network events, RMSG batches, interest lines, registration), so it is the same type.
using gateway_actor = route_actor;
/// One per leafnode connection (actors/leaf.hpp): the same messages again.
using leaf_actor = route_actor;

/// One per server (actors/interest_actor.hpp): orders local interest changes and tells
/// every registered route about them, in the order they happened.
using interest_actor =
    caf::typed_actor<caf::reacts_to<interest_atom, std::vector<interest_change>>,
                     caf::reacts_to<cluster_interest_atom, std::vector<interest_change>>,
                     caf::reacts_to<add_route_atom, uint64_t, route_actor>,
                     caf::reacts_to<remove_route_atom, uint64_t>,
                     caf::reacts_to<add_gateway_atom, uint64_t, gateway_actor>,
                     caf::reacts_to<remove_gateway_atom, uint64_t>,
                     caf::reacts_to<add_leaf_atom, uint64_t, leaf_actor, leaf_audience>,
                     caf::reacts_to<remove_leaf_atom, uint64_t>,
                     caf::replies_to<stats_atom>::with<uint64_t>, caf::reacts_to<shutdown_atom>>;

/// One per server with a system account (actors/system_service.hpp): publishes its events
/// and answers the `$SYS.REQ.` requests that reach its subscriptions.
using system_actor = caf::typed_actor<
    caf::reacts_to<deliver_atom, std::vector<char>, uint64_t>,
    caf::reacts_to<expired_atom, uint64_t>, caf::reacts_to<client_event_atom, client_event>,
    caf::reacts_to<sys_answer_atom, uint64_t, int, std::string>, caf::reacts_to<statsz_timer_atom>,
    caf::reacts_to<latency_atom, latency_sample>, caf::reacts_to<timeouts_atom>,
    caf::reacts_to<reload_atom>, caf::replies_to<shutdown_atom>::with<bool>>;

/// One per server process (actors/server.hpp).
using server_actor = caf::typed_actor<
    caf::reacts_to<accepted_atom, net::connection_ptr, uint64_t>,
    caf::reacts_to<session_closed_atom, uint64_t, std::string>,
    caf::reacts_to<route_accepted_atom, net::connection_ptr>,
    caf::reacts_to<route_dialed_atom, std::string, route_role, net::connection_ptr, std::string>,
    caf::reacts_to<route_retry_atom, std::string, route_role>,
    caf::reacts_to<register_route_atom, uint64_t, route_actor, proto::route_info, route_role,
                   std::string>,
    caf::reacts_to<learned_route_atom, proto::route_info>,
    caf::reacts_to<route_closed_atom, uint64_t, std::string, route_role>,
    caf::reacts_to<monitor_atom, std::string, std::string, monitor::clock_view, net::http_respond>,
    caf::reacts_to<sys_query_atom, std::string, std::string, monitor::clock_view,
                   net::http_respond>,
    caf::reacts_to<regossip_atom>, caf::replies_to<stats_atom>::with<uint64_t>,
    caf::reacts_to<shutdown_atom>, caf::reacts_to<lame_duck_atom>, caf::reacts_to<ldm_close_atom>,
    caf::reacts_to<reload_atom, std::shared_ptr<const server_options>>,
    caf::reacts_to<gateway_accepted_atom, net::connection_ptr>,
    caf::reacts_to<solicit_gateways_atom>, caf::reacts_to<gateway_dial_atom, cluster::gateway_dial>,
    caf::reacts_to<gateway_dialed_atom, cluster::gateway_dial, net::connection_ptr, std::string>,
    caf::reacts_to<register_gateway_atom, uint64_t, gateway_actor, proto::gateway_info, bool,
                   std::string, gateway_link>,
    caf::reacts_to<gateway_learned_atom, proto::gateway_info>,
    caf::reacts_to<gateway_closed_atom, uint64_t, bool, std::string, bool>,
    caf::reacts_to<leaf_accepted_atom, net::connection_ptr>,
    caf::reacts_to<leaf_dial_atom, cluster::leaf_dial>,
    caf::reacts_to<leaf_dialed_atom, cluster::leaf_dial, net::connection_ptr, std::string>,
    caf::reacts_to<register_leaf_atom, uint64_t, leaf_actor, leaf_registration>,
    caf::reacts_to<leaf_urls_atom, uint64_t, std::vector<std::string>>,
    caf::reacts_to<leaf_closed_atom, uint64_t, bool, uint64_t, int64_t>>;

}  // namespace gnatsd
