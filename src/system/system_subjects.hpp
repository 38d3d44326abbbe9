// The subjects of the system account, as nats-server 2.9 names them: the events a server
// publishes (`$SYS.ACCOUNT.<acc>.CONNECT`, `$SYS.SERVER.<id>.STATSZ`, ...) and the requests
// it answers (`$SYS.REQ.SERVER.PING[.<kind>]`, `$SYS.REQ.SERVER.<id>.<kind>`,
// `$SYS.REQ.ACCOUNT.<acc>.<kind>`), which tools send to every server of a cluster at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gnatsd::system {

/// What a request asks for: a monitoring endpoint of the server, or of one account.
enum class endpoint {
  statsz,
  varz,
  connz,
  routez,
  subsz,
  accountz,
  healthz,
  gatewayz,
  leafz,
  jsz,
  account_info,
  account_statz,
  account_conns,
};

struct request {
  endpoint what = endpoint::statsz;
  std::string account;  // account requests only
};

/// The request a message on `subject` makes of the server `server_id`, if it is one.
std::optional<request> parse_request(std::string_view subject, std::string_view server_id);

/// The subscriptions the system account holds for requests to the server `server_id`
/// (nats-server's set, less the JWT, JetStream-internal and debug services).
std::vector<std::string> request_subscriptions(std::string_view server_id);

/// What the server listens to from other servers: their statsz and shutdown events, which
/// tell how many servers are alive (statsz `active_servers`).
inline constexpr const char* remote_statsz = "$SYS.SERVER.*.STATSZ";
inline constexpr const char* remote_shutdown = "$SYS.SERVER.*.SHUTDOWN";

std::string connect_subject(std::string_view account);
std::string disconnect_subject(std::string_view account);
/// Account connection counts go out on both subjects, the second kept by nats-server for
/// older listeners.
std::string account_conns_subject(std::string_view account);
std::string account_conns_subject_old(std::string_view account);
std::string statsz_subject(std::string_view server_id);
std::string shutdown_subject(std::string_view server_id);

/// The server id in a `$SYS.SERVER.<id>.STATSZ|SHUTDOWN` subject ("" if it is not one).
std::string_view event_server(std::string_view subject);

/// The service imports every account but the system account has from it, as nats-server
/// adds them: `$SYS.REQ.SERVER.PING.CONNZ` and `$SYS.REQ.ACCOUNT.PING.CONNZ` answered with
/// the account's own connections, `$SYS.REQ.ACCOUNT.PING.STATZ` with its statistics.
struct account_service_import {
  std::string local;   // what a client of the account publishes on
  std::string remote;  // the system account's subject it is carried to
};
std::vector<account_service_import> account_service_imports(std::string_view account);

}  // namespace gnatsd::system
