#include "system/system_messages.hpp"

#include <nlohmann/json.hpp>

#include "monitor/account_endpoints.hpp"

namespace gnatsd::system {
namespace {

using json = nlohmann::ordered_json;

json server_json(const header& h) {
  const auto& s = *h.server;
  json j;
  j["name"] = s.name;
  j["host"] = s.host;
  j["id"] = s.id;
  if (!s.cluster.empty()) j["cluster"] = s.cluster;
  j["ver"] = s.version;
  j["seq"] = h.seq;
  j["jetstream"] = false;
  j["time"] = monitor::rfc3339(h.now_ns);
  return j;
}

json typed_event(const header& h, const char* type, std::string_view id) {
  json j;
  j["type"] = type;
  j["id"] = id;
  j["timestamp"] = monitor::rfc3339(h.now_ns);
  j["server"] = server_json(h);
  return j;
}

// nats-server's ClientInfo: empty strings and zero numbers are left out.
json client_json(const client_view& c, bool stopped) {
  json j;
  j["start"] = monitor::rfc3339(c.start_ns);
  if (!c.host.empty()) j["host"] = c.host;
  if (c.cid != 0) j["id"] = c.cid;
  j["acc"] = c.account;
  if (!c.user.empty()) j["user"] = c.user;
  if (!c.name.empty()) j["name"] = c.name;
  if (!c.lang.empty()) j["lang"] = c.lang;
  if (!c.version.empty()) j["ver"] = c.version;
  if (stopped && c.rtt_ns != 0) j["rtt"] = c.rtt_ns;
  if (stopped) j["stop"] = monitor::rfc3339(c.stop_ns);
  j["kind"] = "Client";
  j["client_type"] = "nats";
  return j;
}

json counts_json(const account_counts& a) {
  json j;
  j["acc"] = a.account;
  j["conns"] = a.conns;
  j["leafnodes"] = a.leafnodes;
  j["total_conns"] = a.conns + a.leafnodes;
  j["sent"] = monitor::data_stats_json(a.sent_msgs, a.sent_bytes);
  j["received"] = monitor::data_stats_json(a.received_msgs, a.received_bytes);
  j["slow_consumers"] = a.slow_consumers;
  return j;
}

bool flag(const json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_boolean() && it->get<bool>();
}

// Appends `key=value` for each option of `body` that the monitor endpoint reads.
void add_query(std::string& q, const std::string& key, const std::string& value) {
  if (!q.empty()) q += '&';
  q += key + "=" + value;
}

// A value that could smuggle another option into the query ("cid&acc=B") is not an option
// value of any endpoint: it is left out.
void copy_string(std::string& q, const json& body, const char* from, const char* to) {
  const auto it = body.find(from);
  if (it == body.end() || !it->is_string()) return;
  const auto value = it->get<std::string>();
  if (!value.empty() && value.find_first_of("&=") == std::string::npos) add_query(q, to, value);
}

void copy_number(std::string& q, const json& body, const char* from, const char* to) {
  const auto it = body.find(from);
  if (it != body.end() && it->is_number_integer())
    add_query(q, to, std::to_string(it->get<int64_t>()));
}

void subscription_options(std::string& q, const json& body) {
  if (flag(body, "subscriptions_detail"))
    add_query(q, "subs", "detail");
  else if (flag(body, "subscriptions"))
    add_query(q, "subs", "1");
}

// ConnzOptions: state is nats-server's ConnState (0 open, 1 closed, 2 any).
void connz_options(std::string& q, const json& body) {
  copy_string(q, body, "sort", "sort");
  if (flag(body, "auth")) add_query(q, "auth", "1");
  subscription_options(q, body);
  copy_number(q, body, "offset", "offset");
  copy_number(q, body, "limit", "limit");
  copy_number(q, body, "cid", "cid");
  if (const auto it = body.find("state"); it != body.end() && it->is_number_integer()) {
    const auto state = it->get<int64_t>();
    add_query(q, "state", state == 1 ? "closed" : state == 2 ? "any" : "open");
  }
  copy_string(q, body, "user", "user");
  copy_string(q, body, "acc", "acc");
}

std::string options_query(const json& body, const request& r) {
  std::string q;
  switch (r.what) {
    case endpoint::connz:
      connz_options(q, body);
      break;
    case endpoint::subsz:
      subscription_options(q, body);
      copy_number(q, body, "offset", "offset");
      copy_number(q, body, "limit", "limit");
      copy_string(q, body, "test", "test");
      copy_string(q, body, "account", "acc");
      break;
    case endpoint::routez:
      subscription_options(q, body);
      break;
    case endpoint::accountz:
      copy_string(q, body, "account", "acc");
      break;
    default:
      break;
  }
  return q;
}

bool contains(const std::string& have, const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) return true;
  return have.find(it->get<std::string>()) != std::string::npos;
}

// nats-server's EventFilterOptions: name, cluster and host match as substrings; this server
// has no tags and no JetStream domain, so asking for any excludes it.
bool for_server(const json& body, const server_identity& s) {
  if (!contains(s.name, body, "server_name") || !contains(s.cluster, body, "cluster") ||
      !contains(s.host, body, "host"))
    return false;
  if (const auto it = body.find("tags"); it != body.end() && it->is_array() && !it->empty())
    return false;
  if (const auto it = body.find("domain");
      it != body.end() && it->is_string() && !it->get<std::string>().empty())
    return false;
  return true;
}

}  // namespace

std::string connect_event(const header& h, std::string_view id, const client_view& c) {
  json j = typed_event(h, "io.nats.server.advisory.v1.client_connect", id);
  j["client"] = client_json(c, false);
  return j.dump();
}

std::string disconnect_event(const header& h, std::string_view id, const client_view& c) {
  json j = typed_event(h, "io.nats.server.advisory.v1.client_disconnect", id);
  j["client"] = client_json(c, true);
  j["sent"] = monitor::data_stats_json(c.out_msgs, c.out_bytes);
  j["received"] = monitor::data_stats_json(c.in_msgs, c.in_bytes);
  j["reason"] = c.reason;
  return j.dump();
}

std::string account_conns_event(const header& h, std::string_view id, const account_counts& a) {
  json j = typed_event(h, "io.nats.server.advisory.v1.account_connections", id);
  const json counts = counts_json(a);
  for (const auto& [key, value] : counts.items())
    j[key] = value;
  return j.dump();
}

std::string shutdown_event(const header& h) {
  return server_json(h).dump();
}

std::string statsz_message(const header& h, std::string_view statsz, int active_servers) {
  json j;
  j["server"] = server_json(h);
  j["statsz"] = json::parse(statsz);
  j["statsz"]["active_servers"] = active_servers;
  return j.dump();
}

std::string data_reply(const header& h, std::string_view data) {
  json j;
  j["server"] = server_json(h);
  j["data"] = json::parse(data);
  return j.dump();
}

std::string error_reply(const header& h, int code, std::string_view description, bool null_data) {
  json j;
  j["server"] = server_json(h);
  if (null_data) j["data"] = nullptr;
  j["error"]["code"] = code;
  j["error"]["description"] = description;
  return j.dump();
}

std::string account_detail_of(std::string_view accountz) {
  const json parsed = json::parse(accountz, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("account_detail")) return "null";
  return parsed["account_detail"].dump();
}

std::string account_statz_data(std::string_view server_id, int64_t now_ns,
                               const std::vector<account_counts>& accounts) {
  json j;
  j["server_id"] = server_id;
  j["now"] = monitor::rfc3339(now_ns);
  j["account_statz"] = json::array();
  for (const auto& a : accounts)
    j["account_statz"].push_back(counts_json(a));
  return j.dump();
}

request_options read_request(std::string_view body, const request& r, const server_identity& s) {
  request_options out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    out.error = "invalid request body: not a JSON object";
    return out;
  }
  out.for_us = for_server(parsed, s);
  out.query = options_query(parsed, r);
  return out;
}

std::string event_id(uint64_t bits_high, uint64_t bits_low) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int i = 0; i < 11; ++i, bits_high /= 62)
    out += digits[bits_high % 62];
  for (int i = 0; i < 11; ++i, bits_low /= 62)
    out += digits[bits_low % 62];
  return out;
}

}  // namespace gnatsd::system
