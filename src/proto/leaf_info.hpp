// The JSON of the leafnode protocol's INFO and CONNECT (nats-server 2.9.10 shapes, captured
// from its leafnode port). The accepting side (the hub) sends INFO first, with a nonce and
// `info_on_connect`; the soliciting side (the leaf) answers CONNECT; the hub then sends a
// second INFO with `connect_info` and the account the leaf was bound to, and both sides
// start exchanging interest (LS+/LS-) and messages (LMSG/HMSG).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/permissions.hpp"

namespace gnatsd::proto {

struct leaf_info {
  std::string server_id;
  std::string server_name;
  std::string version;
  std::string host;
  int port = 0;
  bool headers = false;
  bool auth_required = true;  // nats-server always says so on the leafnode port
  bool tls_required = false;
  bool tls_verify = false;
  int64_t max_payload = 0;
  std::string ip;  // "host:port"
  uint64_t cid = 0;
  std::string nonce;
  bool info_on_connect = false;
  bool connect_info = false;
  std::vector<std::string> leafnode_urls;  // every hub server's leafnode URL ("host:port")
  std::string cluster;
  std::string remote_account;  // second INFO: the account the leaf is bound to on the hub
  // Second INFO: what the leaf's login may subscribe to (import) and publish (export).
  std::optional<subject_rules> import_rules, export_rules;
  bool leafnode_urls_present = false;  // parsed: the key was there (even empty)
};

struct leaf_connect {
  std::string version;
  std::string jwt, sig;
  std::string user, pass;
  bool tls_required = false;
  std::string server_id;
  std::string name;
  bool hub = false;
  std::string cluster;
  bool headers = false;
  std::vector<std::string> deny_pub;  // the leaf's deny_imports: do not send it these
  std::string gateway;                // a gateway dialled the wrong port
  std::string lang;                   // a client dialled the wrong port
};

/// `INFO {...}\r\n` as the leafnode port sends it.
std::string encode_leaf_info(const leaf_info& info);
/// `CONNECT {...}\r\n` of a soliciting leaf.
std::string encode_leaf_connect(const leaf_connect& c);

bool parse_leaf_info(std::string_view json, leaf_info& out);
bool parse_leaf_connect(std::string_view json, leaf_connect& out);

}  // namespace gnatsd::proto
