#include "connection/leaf_connection.hpp"

#include "auth/redact.hpp"
#include "subject/subject.hpp"
#include "util/assert.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Loop detection and routed replies are never checked against permissions (nats-server's
// processLeafSub).
bool unchecked_subject(std::string_view s) {
  return starts_with(s, "$LDS.") || starts_with(s, "_GR_.") || starts_with(s, "$GR.");
}

}  // namespace

leaf_connection::leaf_connection(server_context_ptr ctx, uint64_t lid, std::string remote_host,
                                 int remote_port, leaf_role role, std::shared_ptr<subscriber> self,
                                 prng rng)
    : peer_link(std::move(ctx), std::move(self), "Leafnode"),
      lid_(lid),
      remote_host_(std::move(remote_host)),
      role_(std::move(role)),
      rng_(rng),
      router_(*ctx_, rng_) {
  GNATSD_ASSERT(self_ != nullptr && self_->is_leaf());
  prefix_ = join_host_port(remote_host_, remote_port) + " - lid:" + std::to_string(lid_) + " - ";
  self_->log_prefix = prefix_;
}

void leaf_connection::receive(const char* data, size_t size) {
  if (closing()) return;
  // As nats-server: an accepted leafnode must start with CONNECT; anything else is an
  // authorization violation, refused before it is parsed.
  if (awaiting_connect() && size > 0 && !parser_.mid_operation() && data[0] != 'C' &&
      data[0] != 'c') {
    fail("Authorization Violation", "authentication error", "Authentication Failure");
    return;
  }
  stats_->last_activity_steady_ns.store(now_.count(), std::memory_order_relaxed);
  parse_read([&] { return parser_.parse(data, size, *this); });
}

bool leaf_connection::on_ping() {
  ping_received();
  return true;
}

bool leaf_connection::on_pong() {
  pong_received();
  return true;
}

bool leaf_connection::on_err(std::string_view text) {
  ctx_->log->error(prefix_ + "Leafnode Error '" + std::string{text} + "'");
  if (text.find("Loop detected") != std::string_view::npos) {
    loop_detected(false);
    return false;
  }
  if (text.find("remote leafnode has same cluster name") != std::string_view::npos &&
      role_.solicited) {
    reconnect_delay_ = std::chrono::seconds{30};
    ctx_->log->error(prefix_ +
                     "Leafnode connection dropped with same cluster name error. Delaying attempt "
                     "to reconnect for 30s");
  }
  return true;  // the peer closes if it means to
}

void leaf_connection::loop_detected(bool tell_peer) {
  if (role_.solicited) reconnect_delay_ = std::chrono::seconds{30};
  const std::string text = "Loop detected for leafnode account=\"" + account_name_ +
                           "\". Delaying attempt to reconnect for 30s";
  if (tell_peer) append("-ERR '" + text + "'\r\n");
  ctx_->log->error(prefix_ + text);
  close("Protocol Violation");
}

bool leaf_connection::on_leaf_sub(std::string_view subject, std::string_view queue,
                                  int32_t weight) {
  if (ctx_->log->trace)
    trace("<<-",
          "LS+ " + std::string{subject} +
              (queue.empty() ? "" : " " + std::string{queue} + " " + std::to_string(weight)));
  if (!ready()) return true;  // nothing is taken before the handshake is done
  if (subject == loop_subject_) {
    loop_detected(true);
    return false;
  }
  if (!subject::valid_subscription(subject) || (!queue.empty() && !subject::valid_literal(queue))) {
    ctx_->log->error(prefix_ + "Could not insert subscription: sublist: invalid subject");
    append("-ERR 'Invalid Subscription'\r\n");
    return true;
  }
  // What the peer may subscribe to: what we may send it (literal subjects only, as
  // nats-server's processLeafSub checks).
  if (!unchecked_subject(subject) && subject::valid_literal(subject) && filter_ &&
      !filter_->can_publish(subject)) {
    if (spoke_) return true;  // the hub told us our permissions: ignore, as nats-server
    const std::string err =
        "Permissions Violation for Subscription to \"" + std::string{subject} + "\"";
    append("-ERR '" + err + "'\r\n");
    ctx_->log->error(prefix_ + "Subscription Violation on \"" + std::string{subject} +
                     "\" - Check other side configuration");
    close("Protocol Violation");
    return false;
  }
  const int32_t members = queue.empty() ? 1 : std::max<int32_t>(1, weight);
  const std::string key =
      queue.empty() ? std::string{subject} : std::string{subject} + " " + std::string{queue};
  if (auto it = remote_subs_.find(key); it != remote_subs_.end()) {
    if (queue.empty()) return true;  // a repeated plain LS+ says nothing new
    const int32_t before = it->second->weight.exchange(members, std::memory_order_relaxed);
    report(*it->second, members - before);
    return true;
  }
  const auto limits = ctx_->current_limits();
  if (limits->max_subscriptions > 0 &&
      static_cast<int64_t>(remote_subs_.size()) >= limits->max_subscriptions) {
    append("-ERR 'Maximum Subscriptions Exceeded'\r\n");
    ctx_->log->error(prefix_ + "Maximum Subscriptions Exceeded");
    return true;
  }
  auto sub = std::make_shared<subscription>();
  sub->subject.assign(subject);
  sub->queue.assign(queue);
  sub->sid = key;
  sub->owner = self_;
  sub->id = ctx_->next_subscription_id.fetch_add(1, std::memory_order_relaxed);
  sub->weight.store(members, std::memory_order_relaxed);
  sub->origin = remote_cluster_;
  account_->subscriptions().insert(sub);
  if (ctx_->gateways_enabled()) ctx_->recent_subs.add(account_.get(), subject, now_.count());
  report(*sub, members);
  remote_subs_.emplace(key, std::move(sub));
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs[key] = key;
  }
  return true;
}

bool leaf_connection::on_leaf_unsub(std::string_view key) {
  if (ctx_->log->trace) trace("<<-", "LS- " + std::string{key});
  const auto it = remote_subs_.find(key);
  if (it == remote_subs_.end()) return true;
  auto& sub = *it->second;
  sub.closed.store(true, std::memory_order_release);
  account_->subscriptions().remove(it->second);
  report(sub, sub.queue.empty() ? -1 : -sub.weight.load(std::memory_order_relaxed));
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs.erase(it->first);
  }
  remote_subs_.erase(it);
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  return true;
}

void leaf_connection::report(const subscription& sub, int delta) {
  if (delta == 0) return;
  interest_.push_back(interest_change{
      account_name_, sub.subject, sub.queue, delta,
      spoke_ ? interest_source::leaf_spoke : interest_source::leaf_hub, lid_, remote_cluster_});
}

std::string leaf_connection::trace_line(const proto::routed_message& msg) const {
  std::string op = msg.has_headers ? "HMSG " : "LMSG ";
  op += std::string{msg.subject};
  if (!msg.queues->empty()) {
    op += msg.reply.empty() ? " |" : " + " + std::string{msg.reply};
    for (auto q : *msg.queues)
      op += " " + std::string{q};
  } else if (!msg.reply.empty()) {
    op += " " + std::string{msg.reply};
  }
  if (msg.has_headers) op += " " + std::to_string(msg.header_size);
  op += " " + std::to_string(msg.message.size());
  return op;
}

bool leaf_connection::on_leaf_message(const proto::routed_message& msg) {
  if (ctx_->log->trace) trace("<<-", trace_line(msg));
  message_received(msg.message.size());
  if (!ready()) return true;
  // What we accept from the peer: what we asked it for.
  if (!filter_->can_subscribe(msg.subject, {}) && !unchecked_subject(msg.subject)) {
    ctx_->log->debugf(prefix_ + "Not permitted to receive \"" + std::string{msg.subject} + "\"");
    return true;
  }
  message_origin origin;
  origin.self = self_.get();
  origin.acc = account_.get();
  origin.from_leaf = peer_.get();
  origin.leaf_origin = remote_cluster_;
  origin.queues = msg.queues;
  router_.route({msg.subject, msg.reply, msg.has_headers, msg.header_size, msg.message}, origin);
  return true;
}

void leaf_connection::registered() {
  registered_ = true;
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->name = remote_server_;
  }
}

void leaf_connection::refused(const std::string& why) {
  if (closing()) return;
  append("-ERR '" + why + "'\r\n");
  ctx_->log->error(prefix_ + why);
  close(why);
}

void leaf_connection::fail(const std::string& err, const std::string& log,
                           const std::string& reason) {
  if (!err.empty()) append("-ERR '" + err + "'\r\n");
  if (!log.empty()) ctx_->log->error(prefix_ + log);
  close(reason);
}

void leaf_connection::cleanup() {
  self_->gone.store(true, std::memory_order_relaxed);
  for (auto& [key, sub] : remote_subs_) {
    sub->closed.store(true, std::memory_order_release);
    account_->subscriptions().remove(sub);
    report(*sub, sub->queue.empty() ? -1 : -sub->weight.load(std::memory_order_relaxed));
  }
  remote_subs_.clear();
}

std::optional<leaf_registration> leaf_connection::take_registration() {
  auto r = std::move(registration_);
  registration_.reset();
  return r;
}

std::vector<interest_change> leaf_connection::take_interest() {
  std::vector<interest_change> out;
  out.swap(interest_);
  return out;
}

std::optional<std::vector<std::string>> leaf_connection::take_urls() {
  auto u = std::move(urls_);
  urls_.reset();
  return u;
}

}  // namespace gnatsd
