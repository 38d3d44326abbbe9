// The JSON of the system account's events and replies, as nats-server 2.9 writes them: each
// carries the sending server (`"server":{name,host,id,cluster,ver,seq,jetstream,time}`), an
// event also its type, a unique id and a timestamp; a reply wraps its endpoint's JSON in
// `"data"` (or `"statsz"`, or `"error"`). Request bodies are read here too: the filter that
// picks which servers answer a PING, and the endpoint's options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "system/system_subjects.hpp"

namespace gnatsd::system {

struct server_identity {
  std::string name, host, id, cluster, version;
};

/// What every message of one server carries: who sent it, its sequence number, when.
struct header {
  const server_identity* server = nullptr;
  uint64_t seq = 0;
  int64_t now_ns = 0;  // wall clock, nanoseconds since the Unix epoch
};

/// A client as its connect and disconnect events describe it.
struct client_view {
  int64_t start_ns = 0, stop_ns = 0;  // stop: disconnect only
  std::string host;
  uint64_t cid = 0;
  std::string account, user, name, lang, version;
  int64_t rtt_ns = 0;  // disconnect only: nats-server's CONNECT event precedes its estimate
  uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
  std::string reason;  // disconnect only
};

/// An account's connections on this server (`account_connections` events, STATZ).
struct account_counts {
  std::string account;
  int64_t conns = 0;
  int64_t leafnodes = 0;
  uint64_t sent_msgs = 0, sent_bytes = 0, received_msgs = 0, received_bytes = 0;
  uint64_t slow_consumers = 0;
};

std::string connect_event(const header& h, std::string_view id, const client_view& c);
std::string disconnect_event(const header& h, std::string_view id, const client_view& c);
std::string account_conns_event(const header& h, std::string_view id, const account_counts& a);
/// The SHUTDOWN event: the server's description alone.
std::string shutdown_event(const header& h);
/// `{"server":...,"statsz":<statsz with active_servers>}`; `statsz` is the monitor's JSON.
std::string statsz_message(const header& h, std::string_view statsz, int active_servers);
/// `{"server":...,"data":<data>}`; `data` is an endpoint's JSON.
std::string data_reply(const header& h, std::string_view data);
/// `{"server":...,"error":{"code":...,"description":...}}`, with `"data":null` before the
/// error where nats-server writes it (an account's JSZ).
std::string error_reply(const header& h, int code, std::string_view description, bool null_data);
/// The `account_detail` of an /accountz answer (an account's INFO).
std::string account_detail_of(std::string_view accountz);
/// An account's STATZ data: `{"server_id","now","account_statz":[...]}`.
std::string account_statz_data(std::string_view server_id, int64_t now_ns,
                               const std::vector<account_counts>& accounts);

/// A request's body read for one endpoint: whether this server is one the request asks
/// (`server_name`, `cluster`, `host`, `tags`, `domain`), and the monitor query its options
/// make. `error` is set when the body is not a JSON object.
struct request_options {
  bool for_us = true;
  std::string query;
  std::string error;
};
request_options read_request(std::string_view body, const request& r, const server_identity& s);

/// 22 characters of [0-9A-Za-z] from `bits` (the id of an event, as nats-server's nuid).
std::string event_id(uint64_t bits_high, uint64_t bits_low);

}  // namespace gnatsd::system
