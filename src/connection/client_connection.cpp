#include "connection/client_connection.hpp"

#include <algorithm>

#include "accounts/stream_shadows.hpp"
#include "auth/redact.hpp"
#include "proto/msg_encoder.hpp"
#include "subject/subject.hpp"
#include "util/assert.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

constexpr std::string_view no_responders_header = "NATS/1.0 503\r\n\r\n";

// Parses the UNSUB max argument; nats-server treats an unparsable max as "unsubscribe now".
bool parse_max(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

client_connection::client_connection(server_context_ptr ctx, uint64_t cid, std::string remote_host,
                                     int remote_port, std::shared_ptr<subscriber> self, prng rng)
    : ctx_(std::move(ctx)),
      cid_(cid),
      remote_host_(std::move(remote_host)),
      self_(std::move(self)),
      rng_(rng),
      router_(*ctx_, rng_) {
  GNATSD_ASSERT(ctx_ != nullptr);
  GNATSD_ASSERT(self_ != nullptr && self_->cid() == cid_);
  prefix_ = join_host_port(remote_host_, remote_port) + " - cid:" + std::to_string(cid_) + " - ";
  self_->log_prefix = prefix_;
  account_ = ctx_->accounts.global();
  apply_limits(ctx_->current_limits());
  authorized_ = !ctx_->current_auth()->required();
  use_stats(stats_);
}

void client_connection::use_stats(connection_stats_ptr stats) {
  stats_ = std::move(stats);
  std::lock_guard<std::mutex> guard{stats_->mutex};
  stats_->host = remote_host_;
}

void client_connection::apply_limits(std::shared_ptr<const connection_limits> limits) {
  const int64_t server_payload = limits->max_payload;
  limits_ = with_account_limits(std::move(limits));
  // A lower payload limit of the account is told to the client, as nats-server does.
  if (authorized_ && limits_->max_payload != server_payload && connect_.protocol >= 1 &&
      told_payload_ != limits_->max_payload) {
    told_payload_ = limits_->max_payload;
    append(current_info());
  }
  parser_.set_limits(proto::parser_limits{static_cast<size_t>(limits_->max_control_line),
                                          static_cast<size_t>(limits_->max_payload)});
  router_.set_max_pending(limits_->max_pending);
}

void client_connection::reload() {
  if (closing_) return;
  apply_limits(ctx_->current_limits());
  reload_authorization();
}

client_connection::~client_connection() = default;

void client_connection::start(bool tls, bool greeted) {
  tls_ = tls;
  if (!greeted) append(current_info());
  ctx_->log->log(log_level::debug, prefix_ + "Client connection created");
  if (tls_) ctx_->log->log(log_level::debug, prefix_ + "Starting TLS client connection handshake");
}

void client_connection::tls_handshake_done(const std::string& error, const std::string& version,
                                           const std::string& cipher, certificate_names peer) {
  if (closing_) return;
  if (!error.empty()) {
    ctx_->log->error(prefix_ + "TLS handshake error: " + error);
    close(close_reason::tls_handshake_failure, false);
    return;
  }
  ctx_->log->debugf(prefix_ + "TLS handshake complete");
  std::string why;
  if (!certificate_pinned(peer, ctx_->current_tls()->pinned_certs, why)) {
    ctx_->log->debugf(prefix_ + why);
    ctx_->log->error(prefix_ + "TLS handshake error: certificate not pinned");
    close(close_reason::tls_handshake_failure, false);
    return;
  }
  ctx_->log->debugf(prefix_ + "TLS version " + version + ", cipher suite " + cipher);
  peer_certificate_ = std::move(peer);
  std::lock_guard<std::mutex> guard{stats_->mutex};
  stats_->tls_version = version;
  stats_->tls_cipher = cipher;
}

std::string client_connection::current_info() const {
  std::string info = ctx_->client_info(cid_, remote_host_, tls_);
  const int64_t server_payload = ctx_->current_limits()->max_payload;
  if (limits_->max_payload == server_payload) return info;
  const std::string field = "\"max_payload\":" + std::to_string(server_payload);
  if (const auto at = info.find(field); at != std::string::npos)
    info.replace(at, field.size(), "\"max_payload\":" + std::to_string(limits_->max_payload));
  return info;
}

// The server's limits, lowered by the account's (`limits { max_payload, max_subscriptions }`).
std::shared_ptr<const connection_limits> client_connection::with_account_limits(
    std::shared_ptr<const connection_limits> server) const {
  if (!account_) return server;
  const int64_t payload = account_->max_payload.load(std::memory_order_relaxed);
  const int64_t subs = account_->max_subscriptions.load(std::memory_order_relaxed);
  const bool lower_payload = payload >= 0 && payload < server->max_payload;
  const bool lower_subs =
      subs > 0 && (server->max_subscriptions == 0 || subs < server->max_subscriptions);
  if (!lower_payload && !lower_subs) return server;
  auto mine = std::make_shared<connection_limits>(*server);
  if (lower_payload) mine->max_payload = payload;
  if (lower_subs) mine->max_subscriptions = static_cast<int>(subs);
  return mine;
}

void client_connection::connect_urls_changed() {
  // Only clients that said they understand async INFO (protocol 1) get one, as nats-server.
  if (closing_ || connect_.protocol < 1 || ctx_->current_options()->cluster.no_advertise) return;
  append(current_info());
}

void client_connection::receive(const char* data, size_t size) {
  if (closing_) return;
  const uint64_t msgs_before = in_msgs_, bytes_before = in_bytes_;
  const auto status = parser_.parse(data, size, *this);
  if (!status.ok && !status.stopped_by_handler) fail(status.error);
  // Counters are aggregated once per read buffer, as nats-server does.
  ctx_->counters.in_msgs.fetch_add(in_msgs_ - msgs_before, std::memory_order_relaxed);
  ctx_->counters.in_bytes.fetch_add(in_bytes_ - bytes_before, std::memory_order_relaxed);
  if (in_msgs_ != msgs_before) {
    account_->received_msgs.fetch_add(in_msgs_ - msgs_before, std::memory_order_relaxed);
    account_->received_bytes.fetch_add(in_bytes_ - bytes_before, std::memory_order_relaxed);
  }
  stats_->in_msgs.store(in_msgs_, std::memory_order_relaxed);
  stats_->in_bytes.store(in_bytes_, std::memory_order_relaxed);
}

void client_connection::send_err(std::string_view text) {
  append("-ERR '");
  append(text);
  append("'\r\n");
  if (ctx_->log->trace) trace_in("->>", "-ERR '" + std::string{text} + "'");
}

void client_connection::fail(proto::error_code code) {
  if (closing_) return;
  const auto text = proto::error_text(code);
  if (!text.empty()) send_err(text);
  if (!proto::error_closes(code)) return;
  const log_level level =
      code == proto::error_code::stale_connection ? log_level::debug : log_level::error;
  ctx_->log->log(level, prefix_ + (code == proto::error_code::authorization_violation
                                       ? authentication_error()
                                       : std::string{proto::error_log_reason(code)}));
  close(close_reason_for(code), true);
}

void client_connection::close(close_reason why, bool flush) {
  if (closing_) return;
  closing_ = true;
  reason_ = why;
  flush_before_close_ = flush;
}

bool client_connection::on_connect(std::string_view json) {
  if (ctx_->log->trace) trace_in("<<-", "CONNECT " + redact_connect(json));
  activity_since_ping_ = true;
  if (!proto::apply_connect_json(json, connect_)) {
    fail(proto::error_code::bad_connect_json);
    return false;
  }
  connect_received_ = true;
  {
    // Recorded before the checks below, so /connz?state=closed names a refused client too.
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->name = connect_.name;
    stats_->lang = connect_.lang;
    stats_->version = connect_.version;
  }
  if (!authorize()) {
    fail(proto::error_code::authorization_violation);
    return false;
  }
  // The account's `limits`: clients at once here, then this client's own limits.
  const int64_t in_account = account_->client_connections.fetch_add(1, std::memory_order_relaxed);
  const int64_t max_in_account = account_->max_connections.load(std::memory_order_relaxed);
  if (max_in_account >= 0 && in_account >= max_in_account) {
    account_->client_connections.fetch_sub(1, std::memory_order_relaxed);
    fail(proto::error_code::maximum_account_connections_exceeded);
    return false;
  }
  authorized_ = true;
  account_->total_connections.fetch_add(1, std::memory_order_relaxed);
  counted_in_account_ = true;
  apply_limits(ctx_->current_limits());
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->account = account_->name();
    stats_->user = user_;
  }
  // nats-server's first estimate of the round trip: from the accept to the CONNECT.
  stats_->rtt_ns.store(std::max<int64_t>(1, now_.count() - stats_->start_steady_ns.load()),
                       std::memory_order_relaxed);
  if (connect_.protocol < 0 || connect_.protocol > 1) {
    fail(proto::error_code::invalid_client_protocol);
    return false;
  }
  if (connect_.no_responders && !connect_.headers) {
    fail(proto::error_code::no_responders_requires_headers);
    return false;
  }
  parser_.set_headers_enabled(connect_.headers);
  self_->headers.store(connect_.headers, std::memory_order_release);
  ok();
  return true;
}

bool client_connection::on_pub(std::string_view subject, std::string_view reply,
                               std::string_view payload) {
  if (ctx_->log->trace) {
    trace_in("<<-", "PUB " + std::string{subject} + (reply.empty() ? "" : " ") +
                        std::string{reply} + " " + std::to_string(payload.size()));
    ctx_->log->log(log_level::trace,
                   prefix_ + "<<- MSG_PAYLOAD: [\"" + std::string{payload} + "\"]");
  }
  return publish(subject, reply, 0, payload);
}

bool client_connection::on_hpub(std::string_view subject, std::string_view reply,
                                size_t header_size, std::string_view message) {
  if (ctx_->log->trace)
    trace_in("<<-", "HPUB " + std::string{subject} + (reply.empty() ? "" : " ") +
                        std::string{reply} + " " + std::to_string(header_size) + " " +
                        std::to_string(message.size()));
  return publish(subject, reply, header_size, message);
}

bool client_connection::publish(std::string_view subject, std::string_view reply,
                                size_t header_size, std::string_view message) {
  if (!authorized_) {
    fail(proto::error_code::authorization_violation);
    return false;
  }
  activity_since_ping_ = true;
  ++in_msgs_;
  in_bytes_ += message.size();
  if (connect_.pedantic && !subject::valid_literal(subject)) {
    // nats-server's quirk, kept on purpose: the error is sent but the message still flows.
    fail(proto::error_code::invalid_publish_subject);
  }
  if (!may_publish(subject)) return !closing_;  // -ERR only, no +OK; the connection stays
  ok();                                         // nats-server acknowledges before delivering

  if (self_->latency_replies.any()) answered_tracked_request(subject);

  message_origin origin;
  origin.self = self_.get();
  origin.acc = account_.get();
  origin.echo = connect_.echo;
  origin.self_out = &out_.buffer();
  origin.stats = &stats_;
  // An answer to a request from another cluster goes back the way it came.
  std::string routed;
  if (self_->gateway_replies.any()) {
    routed = self_->gateway_replies.routed_form(subject, now_.count());
    if (!routed.empty()) subject = routed;
  }
  // Mappings apply after the publish permission, which the subject as published must pass.
  if (account_->has_mappings())
    if (const auto m = account_->mappings(); m && m->map(subject, rng_, mapped_subject_))
      subject = mapped_subject_;
  const size_t delivered =
      router_.route({subject, reply, header_size > 0, header_size, message}, origin);
  out_msgs_ += router_.take_self_deliveries();
  for (auto& sub : router_.expired_own())
    remove_subscription(sub);
  router_.expired_own().clear();
  if (delivered == 0 && !reply.empty() && connect_.no_responders) send_no_responders(reply);
  return !closing_;
}

void client_connection::send_no_responders(std::string_view reply) {
  // The 503 goes to this client's own plain subscription on the reply subject, if any: the
  // oldest, if several match (nats-server takes the first its sublist returns).
  const subscription* oldest = nullptr;
  for (const auto& [sid, sub] : subs_)
    if (sub->queue.empty() && subject::matches(sub->subject, reply) &&
        (!oldest || sub->id < oldest->id))
      oldest = sub.get();
  if (!oldest) return;
  const proto::message_view status{
      reply, {}, true, no_responders_header.size(), no_responders_header};
  proto::append_hmsg(out_.buffer(), status, oldest->sid);
}

bool client_connection::on_sub(std::string_view subject, std::string_view queue,
                               std::string_view sid) {
  if (ctx_->log->trace)
    trace_in("<<-", "SUB " + std::string{subject} + (queue.empty() ? "" : " ") +
                        std::string{queue} + " " + std::string{sid});
  if (!authorized_) {
    fail(proto::error_code::authorization_violation);
    return false;
  }
  activity_since_ping_ = true;
  if (!subject::valid_subscription(subject)) {
    fail(proto::error_code::invalid_subject);
    return true;
  }
  if (queue == "_sys_") {
    // Reserved by nats-server for system subscriptions; the connection stays open.
    send_err("Permissions Violation for Subscription to \"" + std::string{subject} +
             "\" using queue \"_sys_\"");
    return true;
  }
  if (!may_subscribe(subject, queue, sid)) return true;  // -ERR only; the connection stays
  const auto max_subs = limits_->max_subscriptions;
  if (max_subs > 0 && subs_.size() >= static_cast<size_t>(max_subs)) {
    fail(proto::error_code::maximum_subscriptions_exceeded);
    return true;
  }
  std::string key{sid};
  if (subs_.count(key) == 0) {
    auto sub = std::make_shared<subscription>();
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->sid = key;
    sub->owner = self_;
    sub->id = ctx_->next_subscription_id.fetch_add(1, std::memory_order_relaxed);
    if (permissions_) sub->set_deny_filter(permissions_->delivery_filter(subject));
    account_->subscriptions().insert(sub);
    {
      std::lock_guard<std::mutex> guard{stats_->mutex};
      stats_->subs[key] = sub->queue.empty() ? sub->subject : sub->subject + " " + sub->queue;
    }
    subs_.emplace(std::move(key), sub);
    stats_->subscription_count.store(subs_.size(), std::memory_order_relaxed);
    interest_changes_.push_back(interest_change{account_->name(), sub->subject, sub->queue, +1});
    add_shadows(*account_, *sub, interest_changes_);
    // Replies to it leave this cluster routed for a while (routing/gateway_replies.hpp).
    if (ctx_->gateways_enabled()) ctx_->recent_subs.add(account_.get(), sub->subject, now_.count());
  }
  ok();
  return true;
}

bool client_connection::on_unsub(std::string_view sid, std::string_view max) {
  if (ctx_->log->trace)
    trace_in("<<-", "UNSUB " + std::string{sid} + (max.empty() ? "" : " ") + std::string{max});
  if (!authorized_) {
    fail(proto::error_code::authorization_violation);
    return false;
  }
  activity_since_ping_ = true;
  auto it = subs_.find(std::string{sid});
  if (it != subs_.end()) {
    subscription_ptr sub = it->second;
    uint64_t limit = 0;
    if (!max.empty() && parse_max(max, limit) && limit > 0 &&
        limit > sub->delivered.load(std::memory_order_acquire)) {
      sub->max.store(limit, std::memory_order_release);
      for (auto& shadow : sub->shadows)  // each counts what it delivers itself
        shadow.sub->max.store(limit, std::memory_order_release);
      // A publisher may have counted past the limit before it was stored; then nobody will
      // see the final delivery, so expire it here.
      if (sub->delivered.load(std::memory_order_acquire) >= limit) remove_subscription(sub);
    } else {
      remove_subscription(sub);
    }
  }
  ok();
  return true;
}

void client_connection::remove_subscription(const subscription_ptr& sub) {
  sub->closed.store(true, std::memory_order_release);
  if (!account_->subscriptions().remove(sub)) return;
  auto it = subs_.find(sub->sid);
  if (it != subs_.end() && it->second == sub) {
    subs_.erase(it);
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs.erase(sub->sid);
  }
  stats_->subscription_count.store(subs_.size(), std::memory_order_relaxed);
  interest_changes_.push_back(interest_change{account_->name(), sub->subject, sub->queue, -1});
  remove_shadows(*sub, interest_changes_);
}

void client_connection::expire_subscription(uint64_t subscription_id) {
  for (const auto& [sid, sub] : subs_) {
    if (sub->id != subscription_id) continue;
    remove_subscription(subscription_ptr{sub});
    return;
  }
}

bool client_connection::on_ping() {
  if (ctx_->log->trace) trace_in("<<-", "PING");
  if (!authorized_) {
    fail(proto::error_code::authorization_violation);
    return false;
  }
  activity_since_ping_ = true;
  append("PONG\r\n");
  if (ctx_->log->trace) trace_in("->>", "PONG");
  return true;
}

// This client answers a tracked request another server sent it: its half of the service
// latency goes to that server (accounts/service_latency.hpp).
void client_connection::answered_tracked_request(std::string_view reply) {
  const auto request = self_->latency_replies.take(reply);
  if (!request) return;
  latency_sample s;
  s.what = latency_sample::kind::remote_half;
  s.account = request->account;
  s.reply = std::string{reply};
  s.responder = latency_party{cid_, stats_, true};
  s.request_ns = request->arrived_ns;
  s.response_ns = now_.count();
  ctx_->report_latency(std::move(s));
}

bool client_connection::on_pong() {
  if (ctx_->log->trace) trace_in("<<-", "PONG");
  if (pings_outstanding_ > 0 && now_ > ping_sent_)
    stats_->rtt_ns.store((now_ - ping_sent_).count(), std::memory_order_relaxed);
  pings_outstanding_ = 0;
  return true;
}

void client_connection::ping_timer() {
  if (closing_) return;
  if (input_held_) {
    // We did not read what the client sent in this interval, its PONG among it: no PING is
    // counted (a producer stall ends when its destinations drain, or is cut off with them).
    input_held_ = false;
    return;
  }
  if (activity_since_ping_ && pings_outstanding_ == 0 && !skipped_ping_) {
    // Inbound traffic within the last interval shows the client is there; skip this PING,
    // as nats-server does, but never two in a row: only a PONG shows that it still reads,
    // and a client that keeps sending and never reads must still be found stale.
    activity_since_ping_ = false;
    skipped_ping_ = true;
    return;
  }
  activity_since_ping_ = false;
  skipped_ping_ = false;
  if (pings_outstanding_ + 1 > limits_->ping_max) {
    fail(proto::error_code::stale_connection);
    return;
  }
  ++pings_outstanding_;
  ping_sent_ = now_;
  append("PING\r\n");
  if (ctx_->log->trace) trace_in("->>", "PING");
}

void client_connection::auth_timer() {
  if (closing_ || authorized_) return;
  fail(proto::error_code::authentication_timeout);
}

void client_connection::flush_deliveries() {
  router_.flush();
}

std::vector<interest_change> client_connection::take_interest_changes() {
  std::vector<interest_change> out;
  out.swap(interest_changes_);
  return out;
}

void client_connection::cleanup() {
  self_->gone.store(true, std::memory_order_relaxed);  // producers stop stalling for us
  for (auto& [sid, sub] : subs_) {
    sub->closed.store(true, std::memory_order_release);
    if (account_->subscriptions().remove(sub))
      interest_changes_.push_back(interest_change{account_->name(), sub->subject, sub->queue, -1});
    remove_shadows(*sub, interest_changes_);
  }
  subs_.clear();
  if (counted_in_account_) account_->client_connections.fetch_sub(1, std::memory_order_relaxed);
  counted_in_account_ = false;
}

void client_connection::transport_closed(std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  flush_before_close_ = false;
  if (reason.rfind("Read Error", 0) == 0)
    reason_ = close_reason::read_error;
  else if (reason.rfind("Write Error", 0) == 0)
    reason_ = close_reason::write_error;
  else if (reason == "TLS Handshake Failure")
    reason_ = close_reason::tls_handshake_failure;
  else
    reason_ = close_reason::client_closed;
}

void client_connection::append(std::string_view bytes) {
  out_.append(bytes);
}

void client_connection::ok() {
  if (!connect_.verbose || closing_) return;
  append("+OK\r\n");
  if (ctx_->log->trace) trace_in("->>", "OK");
}

void client_connection::trace_in(std::string_view direction, std::string_view op) {
  std::string line = prefix_;
  line += direction;
  line += " [";
  line += op;
  line += ']';
  ctx_->log->log(log_level::trace, line);
}

}  // namespace gnatsd
