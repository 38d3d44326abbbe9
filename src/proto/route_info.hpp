// The JSON a route peer sends in INFO and CONNECT (nats-server 2.9.10 shapes, section 2.2 of
// the reference). Like nats-server 2.9, gnatsd advertises `lnoc`: it understands interest and
// messages that name the leafnode cluster they came from (LS+ <origin>, LMSG <origin>).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gnatsd::proto {

struct route_info {
  std::string server_id;
  std::string server_name;
  std::string version;
  std::string host;  // the cluster listen host (or advertise)
  int port = 0;      // the cluster listen port
  bool headers = true;
  int64_t max_payload = 0;
  std::string cluster;
  bool cluster_dynamic = false;
  bool auth_required = false;
  bool tls_required = false;  // routes with TLS always verify: tls_verify says the same
  std::string ip;             // set on gossip: where to reach this server's cluster port
  std::vector<std::string> connect_urls;
  bool ldm = false;  // the sender entered lame duck mode: drop its connect_urls
  // Gateways: the sender's own gateway URL; or, in a gossip INFO (gateway_cmd 1), another
  // cluster the sender has an outbound gateway to, and where to reach it.
  std::string gateway_url;
  std::string gateway;
  std::vector<std::string> gateway_urls;
  int gateway_cmd = 0;
  bool lnoc = true;                        // understands LS+/LMSG with a leafnode origin cluster
  std::vector<std::string> leafnode_urls;  // the sender's leafnode URL ("host:port"), if any
};

struct route_connect {
  std::string name;  // the sender's server id
  std::string cluster;
  bool cluster_dynamic = false;
  bool headers = true;
  bool tls_required = false;
  std::string user;
  std::string pass;
  std::string lang;     // non-empty: a client on the route port
  std::string gateway;  // non-empty: a gateway on the route port
};

/// `INFO {...} \r\n` for a route.
std::string encode_route_info(const route_info& info);
/// `CONNECT {...}\r\n` for a route we solicited.
std::string encode_route_connect(const route_connect& c);

/// False if `json` is not a JSON object; an INFO without a server_id parses (it says nothing).
bool parse_route_info(std::string_view json, route_info& out);
bool parse_route_connect(std::string_view json, route_connect& out);

}  // namespace gnatsd::proto
