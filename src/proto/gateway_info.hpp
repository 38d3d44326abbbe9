// The JSON a gateway peer sends in INFO and CONNECT (nats-server 2.9.10 shapes, captured from
// its gateway port). Gateway connections carry messages one way only: the server that dialled
// (outbound) sends RMSG; the one that accepted (inbound) sends interest (RS+/RS-, A+/A-) and
// INFO commands. Both sides PING.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gnatsd::proto {

/// INFO `gateway_cmd` values (nats-server's gatewayCmd*).
enum class gateway_command : int {
  none = 0,
  gossip = 1,            // here is another cluster (gateway, gateway_urls) to connect to
  all_subs_start = 2,    // the interest of account <payload> follows in full
  all_subs_complete = 3  // ... and is complete: send only what matches it from now on
};

struct gateway_info {
  std::string server_id;
  std::string server_name;
  std::string version;
  std::string host;
  int port = 0;
  bool headers = false;
  int64_t max_payload = 0;
  bool auth_required = false;
  bool tls_required = false;
  std::string gateway;                    // the sender's cluster (gateway name)
  std::vector<std::string> gateway_urls;  // every gateway URL of that cluster ("host:port")
  std::string gateway_url;                // the sender's own
  bool gateway_nrp = false;               // understands "_GR_." reply prefixes (2.2+)
  bool gateway_iom = false;  // switches every account to interest-only mode at once (2.9+)
  gateway_command command = gateway_command::none;
  std::string command_payload;  // an account name (base64 in the JSON)
  std::string nonce;
};

struct gateway_connect {
  std::string name;  // the sender's server id
  std::string gateway;
  std::string user;
  std::string pass;
  bool tls_required = false;
  std::string lang;  // non-empty: a client on the gateway port
};

/// `INFO {...}\r\n` as a gateway's listener sends it.
std::string encode_gateway_info(const gateway_info& info);
/// A command INFO (gossip, all-subs start/complete) in nats-server's exact shape.
std::string encode_gateway_command(const gateway_info& info);
/// `CONNECT {...}\r\n` of an outbound gateway.
std::string encode_gateway_connect(const gateway_connect& c);

bool parse_gateway_info(std::string_view json, gateway_info& out);
bool parse_gateway_connect(std::string_view json, gateway_connect& out);

}  // namespace gnatsd::proto
