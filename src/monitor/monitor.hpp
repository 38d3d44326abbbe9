// The monitoring endpoints of nats-server 2.9 (/varz, /connz, /routez, /subsz, /accountz,
// /accstatz, /healthz):
// plain snapshots of server state in, JSON with nats-server's field names out, so that
// tools written for nats-server read gnatsd's endpoints unchanged.
//
// The snapshots are taken by the server actor; wall-clock times are passed in by the HTTP
// layer, since nothing in src/ reads a clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "monitor/connection_stats.hpp"
#include "routing/optimistic_interest.hpp"
#include "sublist/sublist.hpp"

namespace gnatsd::monitor {

struct connection_view {
  uint64_t cid = 0;
  std::string ip;
  int port = 0;
  connection_stats_ptr stats;
  std::string reason;  // closed connections only
};

struct route_view {
  uint64_t rid = 0;
  std::string remote_id;
  std::string remote_name;
  bool did_solicit = false;
  bool is_configured = false;
  std::string ip;
  int port = 0;
  connection_stats_ptr stats;
};

/// A gateway connection, for /gatewayz.
struct gateway_view {
  uint64_t gid = 0;
  std::string cluster;  // the remote cluster's gateway name
  bool outbound = false;
  bool configured = false;  // outbound: listed in `gateways`, not learned
  std::string ip;
  int port = 0;
  std::string remote_id;  // the peer's server id
  connection_stats_ptr stats;
  std::shared_ptr<optimistic_interest> optimistic;  // an outbound to a peer before 2.9
};

/// A leafnode connection, for /leafz.
struct leaf_view {
  uint64_t lid = 0;
  std::string account;
  std::string ip;
  int port = 0;
  bool solicited = false;
  connection_stats_ptr stats;
};

/// One account, for /accountz and /accstatz.
struct account_view {
  std::string name;
  bool is_system = false;
  int64_t client_connections = 0;
  int64_t leafnode_connections = 0;
  uint64_t total_connections = 0;
  uint64_t received_msgs = 0, received_bytes = 0, sent_msgs = 0, sent_bytes = 0;
  uint64_t slow_consumers = 0;
  sublist_stats subs;
};

struct server_view {
  std::string server_id, server_name, version, cluster_name;
  std::shared_ptr<const server_options> options;
  std::vector<std::string> connect_urls;
  uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
  uint64_t slow_consumers = 0, total_connections = 0;
  sublist_stats subs;
  std::vector<connection_view> connections;  // open client connections, by cid
  std::vector<connection_view> closed;       // the most recently closed, oldest first
  std::vector<route_view> routes;            // registered routes, by rid
  std::vector<account_view> accounts;        // $G, the configured ones, the system account
  std::string system_account;                // empty: none
  std::string gateway_url;                   // empty: no gateway
  std::vector<gateway_view> gateways;        // outbound first, by gid
  std::vector<leaf_view> leafs;              // registered leafnode connections, by lid
};

/// Times in nanoseconds since the Unix epoch.
struct clock_view {
  int64_t now_ns = 0;
  int64_t steady_now_ns = 0;  // the actor clock's now, to place connection times
  int64_t start_ns = 0;
  uint64_t rss_bytes = 0;
  unsigned cores = 1;  // the machine's, read by the program (src/ stays machine-independent)
  double cpu_percent = 0;
};

struct response {
  int status = 200;
  std::string body;
  bool html = false;  // the index page; JSON otherwise
};

/// Answers `path` with query string `query`; every endpoint lies under the options'
/// `http_base_path`, as in nats-server.
response handle(const std::string& path, const std::string& query, const server_view& server,
                const clock_view& clock);

/// The endpoints the system account answers (`$SYS.REQ.SERVER.<id>.<KIND>`): "varz",
/// "connz", "routez", "subsz", "accountz", "accstatz", "healthz", and the ones only it
/// serves, "statsz", "gatewayz", "leafz", "jsz". No base path; `query` as in HTTP.
response internal(const std::string& name, const std::string& query, const server_view& server,
                  const clock_view& clock);

/// The program's wall clock and process facts (the simulator's stand in for them).
using machine_facts = std::function<clock_view()>;

/// Splits "a=1&b=2" into a map.
std::map<std::string, std::string> parse_query(const std::string& query);

}  // namespace gnatsd::monitor
