// The message router's part of accounts: what happens when a message matches an internal
// subscription (accounts/account.hpp). A request on a service import goes on to the exporting
// account under the export's subject, with a reply subject of the exporter's that leads its
// response back; a response on that reply subject goes back to the importer under the
// requester's own reply subject.
#include <nlohmann/json.hpp>

#include "accounts/account.hpp"
#include "monitor/account_endpoints.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {
namespace {

// A message crossing accounts may cross again (an import of an import); a config whose
// imports loop back is refused, and this bound stops what slips through (importing from
// oneself is allowed by nats-server).
constexpr int max_crossings = 8;

// nats-server stamps each request that crosses a service import with the requester's
// ClientInfo: its account and round-trip time, and its other details when the import
// shares them (`share`).
std::string client_info(const message_origin& origin, bool share, const server_context& ctx) {
  const bool stats = origin.stats != nullptr && *origin.stats;
  if (!share || !stats) {
    // The common case, on every request through an import: no JSON library, no lock.
    const int64_t rtt = stats ? (*origin.stats)->rtt_ns.load(std::memory_order_relaxed) : 0;
    return "{\"acc\":" + nlohmann::json(origin.acc->name()).dump() +
           (rtt != 0 ? ",\"rtt\":" + std::to_string(rtt) : std::string{}) + "}";
  }
  const auto& s = **origin.stats;
  nlohmann::ordered_json j;
  std::lock_guard<std::mutex> guard{s.mutex};
  j["start"] = monitor::rfc3339(s.start_steady_ns.load() + ctx.wall_offset_ns.load());
  if (!s.host.empty()) j["host"] = s.host;
  j["id"] = origin.self->cid();
  j["acc"] = origin.acc->name();
  if (!s.user.empty()) j["user"] = s.user;
  if (!s.name.empty()) j["name"] = s.name;
  if (!s.lang.empty()) j["lang"] = s.lang;
  if (!s.version.empty()) j["ver"] = s.version;
  if (const int64_t rtt = s.rtt_ns.load(); rtt != 0) j["rtt"] = rtt;
  j["server"] = ctx.server_name;
  const auto o = ctx.current_options();
  if (o->cluster.port != 0 && !o->cluster.name.empty()) j["cluster"] = o->cluster.name;
  j["kind"] = "Client";
  j["client_type"] = "nats";
  return j.dump();
}

std::string request_headers(const proto::message_view& m, const std::string& info) {
  const std::string line = "Nats-Request-Info: " + info + "\r\n";
  if (!m.headers) return "NATS/1.0\r\n" + line + "\r\n";
  const std::string_view block = m.message.substr(0, m.header_size);
  const auto status_end = block.find("\r\n");
  if (status_end == std::string_view::npos) return "NATS/1.0\r\n" + line + "\r\n";
  return std::string{block.substr(0, status_end + 2)} + line +
         std::string{block.substr(status_end + 2)};
}

}  // namespace

void message_router::cross_accounts(const subscription& internal, const proto::message_view& m,
                                    const message_origin& origin) {
  if (crossing_depth_ >= max_crossings) return;
  ++crossing_depth_;
  if (internal.service_import)
    forward_request(*internal.service_import, m, origin);
  else if (internal.responses_of != nullptr)
    forward_response(*internal.responses_of, m, origin);
  --crossing_depth_;
}

void message_router::forward_request(const service_import_rule& rule, const proto::message_view& m,
                                     const message_origin& origin) {
  const account_ptr exporter = rule.exporter.lock();
  if (!exporter) return;
  const std::string subject = rule.mapping.backward(m.subject);
  auto tracked = sample_request(rule, m, origin);
  std::string reply;
  if (!m.reply.empty())
    reply =
        exporter->responses().add(origin.acc->weak_from_this(), std::string{m.reply}, rule.response,
                                  now_, rule.threshold, tracked, ctx_.system_hash);
  else if (tracked)
    ctx_.report_latency(request_result(exporter->name(), *tracked, 400));  // nowhere to answer
  const std::string headers = request_headers(m, client_info(origin, rule.share, ctx_));
  const std::string message = headers + std::string{m.payload()};
  message_origin there = origin;
  there.acc = exporter.get();
  const size_t delivered = route({subject, reply, true, headers.size(), message}, there);
  if (delivered == 0 && !reply.empty()) {
    // Nobody took the request: its reply route goes at once, reported if it was measured.
    const auto route = exporter->responses().forget(reply);
    if (route && route->tracked)
      ctx_.report_latency(request_result(exporter->name(), *route->tracked, 503));
  }
}

void message_router::forward_response(account& exporter, const proto::message_view& m,
                                      const message_origin& origin) {
  const auto back = exporter.responses().take(m.subject, now_);
  if (!back) return;  // answered already (a singleton), expired, or never asked here
  if (back->tracked) report_latency(exporter, *back->tracked, m.subject, origin);
  const account_ptr importer = back->importer.lock();
  if (!importer) return;
  message_origin there = origin;
  there.acc = importer.get();
  proto::message_view response = m;
  response.subject = back->reply;
  route(response, there);
}

// Whether a request through `rule` is measured (a client's; never one from a route, which
// nats-server does not carry over an import either).
std::optional<tracked_request> message_router::sample_request(const service_import_rule& rule,
                                                              const proto::message_view& m,
                                                              const message_origin& origin) {
  if (!rule.latency || origin.remote() || origin.stats == nullptr || !*origin.stats)
    return std::nullopt;
  std::string trace;
  const std::string_view headers = m.headers ? m.message.substr(0, m.header_size) : "";
  if (!should_sample(*rule.latency, static_cast<int>(rng_.below(100)), headers, trace))
    return std::nullopt;
  return tracked_request{rule.latency, latency_party{origin.self->cid(), *origin.stats, rule.share},
                         std::move(trace), now_.count()};
}

// Hands a response's measurement to the system service: the whole result when the
// responder is known here, the requester's half when the response came over a route.
void message_router::report_latency(const account& exporter, const tracked_request& t,
                                    std::string_view reply, const message_origin& responder) {
  latency_sample s = request_result(exporter.name(), t, 200);
  s.reply = std::string{reply};
  s.response_ns = now_.count();
  if (responder.remote())
    s.what = latency_sample::kind::local_half;
  else if (responder.stats != nullptr && *responder.stats)
    s.responder = latency_party{responder.self->cid(), *responder.stats, true};
  ctx_.report_latency(std::move(s));
}

}  // namespace gnatsd
