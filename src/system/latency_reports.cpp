#include "system/latency_reports.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "monitor/account_endpoints.hpp"

namespace gnatsd::system {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* latency_type = "io.nats.server.metric.v1.service_latency";

int64_t wall(const latency_context& c, int64_t steady_ns) {
  return c.now_ns - (c.steady_now_ns - steady_ns);
}

int64_t rtt_of(const std::optional<latency_party>& p) {
  return p && p->stats ? p->stats->rtt_ns.load(std::memory_order_relaxed) : 0;
}

// nats-server's ClientInfo of a party: its account and RTT, and everything else only when
// detailed (the responder always; the requester when its import shares).
json party_json(const latency_party& p, const latency_context& c) {
  const auto& s = *p.stats;
  json j;
  std::lock_guard<std::mutex> guard{s.mutex};
  if (p.detailed) {
    j["start"] = monitor::rfc3339(wall(c, s.start_steady_ns.load()));
    if (!s.host.empty()) j["host"] = s.host;
    if (p.cid != 0) j["id"] = p.cid;
  }
  j["acc"] = s.account;
  if (p.detailed) {
    if (!s.user.empty()) j["user"] = s.user;
    if (!s.name.empty()) j["name"] = s.name;
    if (!s.lang.empty()) j["lang"] = s.lang;
    if (!s.version.empty()) j["ver"] = s.version;
  }
  if (const int64_t rtt = s.rtt_ns.load(); rtt != 0) j["rtt"] = rtt;
  if (p.detailed) {
    j["server"] = c.server_name;
    if (!c.cluster.empty()) j["cluster"] = c.cluster;
    j["kind"] = "Client";
    j["client_type"] = "nats";
  }
  return j;
}

// A ServiceLatency; `typed`: with the event's type, id and time (an M2 carries Go's zero
// values there).
json latency_json(const latency_sample& s, const latency_context& c, bool typed, int64_t start_ns,
                  int64_t service_ns, int64_t system_ns, int64_t total_ns) {
  json j;
  j["type"] = typed ? latency_type : "";
  j["id"] = typed ? c.event_id : "";
  j["timestamp"] = typed ? monitor::rfc3339(c.now_ns) : "0001-01-01T00:00:00Z";
  j["status"] = s.status;
  if (!s.error.empty()) j["description"] = s.error;
  if (s.requester && s.requester->stats) j["requestor"] = party_json(*s.requester, c);
  if (s.responder && s.responder->stats) j["responder"] = party_json(*s.responder, c);
  if (!s.trace_headers.empty()) j["header"] = json::parse(s.trace_headers, nullptr, false);
  j["start"] = monitor::rfc3339(start_ns);
  j["service"] = std::max<int64_t>(0, service_ns);
  j["system"] = std::max<int64_t>(0, system_ns);
  j["total"] = total_ns;
  return j;
}

// The requester's server's view (nats-server's sendTrackingLatency and its error variants):
// the request's start less the requester's RTT; the service time less the responder's RTT.
json requester_view(const latency_sample& s, const latency_context& c) {
  const int64_t req_rtt = rtt_of(s.requester);
  const int64_t start = wall(c, s.request_ns) - req_rtt;
  if (s.response_ns == 0) return latency_json(s, c, true, start, 0, 0, 0);
  const int64_t service_rtt = s.response_ns - s.request_ns;
  const int64_t resp_rtt = rtt_of(s.responder);
  int64_t system = 0, total = req_rtt + service_rtt;
  if (resp_rtt > 0) {
    system = c.steady_now_ns - s.response_ns;
    total += system;
  }
  return latency_json(s, c, true, start, service_rtt - resp_rtt, system, total);
}

// The responder's server's view: from the tracked request's arrival to its response.
json remote_view(const latency_sample& s, const latency_context& c) {
  const int64_t resp_rtt = rtt_of(s.responder);
  const int64_t service = s.response_ns - s.request_ns - resp_rtt;
  json m2 = latency_json(s, c, false, wall(c, s.request_ns), service, 0,
                         std::max<int64_t>(0, service) + resp_rtt);
  json j;
  j["account"] = s.account;
  j["req_id"] = s.reply;
  j["m2"] = std::move(m2);
  return j;
}

// nats-server's merge: the responder's server knows the service time and the responder; the
// requester's server the total; what is left of the requester's service time is the system's.
json merge(json m1, const json& m2) {
  int64_t rtt = 0;
  const auto responder = m2.find("responder");
  if (responder != m2.end() && responder->is_object()) rtt = responder->value("rtt", int64_t{0});
  const int64_t m2_service = m2.value("service", int64_t{0});
  m1["system"] = std::max<int64_t>(0, m1.value("service", int64_t{0}) - (m2_service + rtt));
  m1["service"] = std::max<int64_t>(0, m2_service);
  if (responder != m2.end()) m1["responder"] = *responder;
  // In ServiceLatency's field order.
  json out;
  for (const char* key : {"type", "id", "timestamp", "status", "description", "requestor",
                          "responder", "header", "start", "service", "system", "total"})
    if (m1.contains(key)) out[key] = m1[key];
  return out;
}

}  // namespace

std::optional<latency_message> latency_reports::measured(const latency_sample& s,
                                                         const latency_context& c) {
  expire(c.steady_now_ns);
  switch (s.what) {
    case latency_sample::kind::result:
      return latency_message{s.account, s.subject, requester_view(s, c).dump()};
    case latency_sample::kind::remote_half:
      return latency_message{{},
                             "$SYS.LATENCY.M2." + std::string{tracked_reply_hash(s.reply)},
                             remote_view(s, c).dump()};
    case latency_sample::kind::local_half:
      break;
  }
  half h{s.account, s.subject, requester_view(s, c).dump(), true, c.steady_now_ns + wait_ns};
  return pair(s.reply, std::move(h));
}

std::optional<latency_message> latency_reports::remote_half(std::string_view body,
                                                            std::string_view own_hash,
                                                            const latency_context& c) {
  expire(c.steady_now_ns);
  if (body.size() > max_remote_bytes) return std::nullopt;
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("req_id") || !j["req_id"].is_string() || !j.contains("m2") ||
      !j["m2"].is_object() || tracked_reply_hash(j["req_id"].get<std::string>()) != own_hash)
    return std::nullopt;
  half h{{}, {}, j["m2"].dump(), false, c.steady_now_ns + wait_ns};
  return pair(j["req_id"].get<std::string>(), std::move(h));
}

std::optional<latency_message> latency_reports::pair(const std::string& reply, half h) {
  const auto it = halves_.find(reply);
  if (it == halves_.end() || it->second.local == h.local) {
    if (it == halves_.end()) order_.emplace_back(h.expires_ns, reply);
    halves_[reply] = std::move(h);
    while (halves_.size() > capacity && !order_.empty()) {
      halves_.erase(order_.front().second);
      order_.pop_front();
    }
    return std::nullopt;
  }
  half& local = h.local ? h : it->second;
  const half& remote = h.local ? it->second : h;
  json merged = merge(json::parse(local.json), json::parse(remote.json));
  latency_message out{local.account, local.subject, merged.dump()};
  halves_.erase(it);
  return out;
}

void latency_reports::expire(int64_t steady_now_ns) {
  while (!order_.empty() && order_.front().first <= steady_now_ns) {
    const auto it = halves_.find(order_.front().second);
    if (it != halves_.end() && it->second.expires_ns <= steady_now_ns) halves_.erase(it);
    order_.pop_front();
  }
}

}  // namespace gnatsd::system
