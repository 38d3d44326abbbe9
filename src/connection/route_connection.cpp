#include "connection/route_connection.hpp"

#include "auth/password.hpp"
#include "auth/redact.hpp"
#include "config/nats_url.hpp"
#include "proto/identity.hpp"
#include "subject/subject.hpp"
#include "util/assert.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

std::string interest_key(std::string_view subject, std::string_view queue) {
  std::string key{subject};
  key += ' ';
  key += queue;
  return key;
}

}  // namespace

route_connection::route_connection(server_context_ptr ctx, uint64_t rid, std::string remote_host,
                                   int remote_port, route_role role,
                                   std::shared_ptr<subscriber> self, prng rng)
    : peer_link(std::move(ctx), std::move(self), "Route"),
      rid_(rid),
      remote_host_(std::move(remote_host)),
      role_(std::move(role)),
      rng_(rng),
      router_(*ctx_, rng_) {
  GNATSD_ASSERT(self_ != nullptr && self_->is_route());
  prefix_ = join_host_port(remote_host_, remote_port) + " - rid:" + std::to_string(rid_) + " - ";
  self_->log_prefix = prefix_;
  // Only the accepting side checks credentials; a route we dialled sent its own CONNECT.
  awaiting_auth_ = !role_.solicited && !ctx_->current_options()->cluster.authorization.user.empty();
  // The options stay held while read: a reload may replace them on another thread.
  if (const auto options = ctx_->current_options(); options->cluster.permissions)
    export_filter_ = std::make_unique<permission_checker>(*options->cluster.permissions);
}

void route_connection::start(const proto::route_info& local_info, bool tls) {
  if (tls)
    ctx_->log->debugf(prefix_ + (role_.solicited ? "Starting TLS route client handshake"
                                                 : "Starting TLS route server handshake"));
  ctx_->log->debugf(prefix_ + "Route connection created");
  if (role_.solicited) {
    proto::route_connect c;
    c.name = ctx_->server_id;
    c.cluster = local_info.cluster;
    c.cluster_dynamic = local_info.cluster_dynamic;
    c.user = role_.user;
    c.pass = role_.pass;
    c.tls_required = tls;
    append(proto::encode_route_connect(c));
    proto::route_info info = local_info;
    info.tls_required = tls;
    append(proto::encode_route_info(info));
    ctx_->log->debugf(prefix_ + "Route connect msg sent");
  } else {
    proto::route_info info = local_info;
    info.tls_required = tls;
    append(proto::encode_route_info(info));
  }
}

void route_connection::receive(const char* data, size_t size) {
  if (closing()) return;
  // As nats-server: until a CONNECT has authenticated, the first byte of every operation
  // must start a CONNECT; anything else (INFO, RS+, RMSG, PING, garbage) is refused at once,
  // before it is parsed, so an unauthenticated peer can neither read nor inject anything.
  if (awaiting_auth_ && size > 0 && !parser_.mid_operation() && data[0] != 'C' && data[0] != 'c') {
    authentication_failed();
    return;
  }
  parse_read([&] { return parser_.parse(data, size, *this); });
}

bool route_connection::on_info(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "INFO " + std::string{json});
  proto::route_info info;
  if (!proto::parse_route_info(json, info)) {
    close("Bad INFO");
    return false;
  }
  // Another cluster one of our peers has a gateway to: ours must reach it too.
  if (!info.gateway.empty() && info.gateway_cmd == 1) {
    if (info_received_) gateway_gossip_.push_back(std::move(info));
    return true;
  }
  // An INFO naming no server says nothing to act on; nats-server keeps the route too.
  if (info.server_id.empty()) return true;
  if (!info_received_) {
    info_received_ = true;
    if (info.server_id == ctx_->server_id) {
      if (role_.solicited)  // the other end of the same connection closes without a word
        ctx_->log->debugf("Detected route to self, ignoring \"" + redacted_url(role_.url) + "\"");
      peer_.server_id = info.server_id;  // tells the server never to dial this URL again
      close("Duplicate Route");
      return false;
    }
    peer_ = info;
    registration_ = info;
    return true;
  }
  if (info.server_id != peer_.server_id) {
    gossip_.push_back(std::move(info));  // the peer tells us of another server
  } else {
    peer_.connect_urls = info.connect_urls;
  }
  return true;
}

bool route_connection::on_connect(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "CONNECT " + redact_connect(json));
  proto::route_connect c;
  if (!proto::parse_route_connect(json, c)) {
    close("Bad CONNECT");
    return false;
  }
  // Credentials first, as nats-server: whoever does not log in learns nothing more, not
  // even that this is the wrong port for it.
  if (awaiting_auth_) {
    const auto options = ctx_->current_options();
    const auto& auth = options->cluster.authorization;
    if (c.user != auth.user || !password_matches(auth.password, c.pass)) {
      authentication_failed();
      return false;
    }
    awaiting_auth_ = false;
  }
  if (!c.lang.empty()) {
    // A client dialled the cluster port.
    append("-ERR 'attempted to connect to route port'\r\n");
    ctx_->log->error(prefix_ + "attempted to connect to route port");
    close("Incorrect Port");
    return false;
  }
  if (!c.gateway.empty()) {
    const std::string why =
        "Rejecting connection from gateway \"" + c.gateway + "\" on the Route port";
    append("-ERR '" + why + "'\r\n");
    ctx_->log->error(prefix_ + why);
    close("Wrong Gateway");
    return false;
  }
  connect_received_ = true;
  parser_.set_headers_enabled(c.headers);
  return true;
}

// nats-server's reply, log line and close reason for a peer that did not authenticate.
void route_connection::authentication_failed() {
  ctx_->log->error(prefix_ + "authentication error");
  append("-ERR 'Authorization Violation'\r\n");
  if (ctx_->log->trace) trace("->>", "-ERR Authorization Violation");
  close("Authentication Failure");
}

void route_connection::auth_timer() {
  if (closing() || !awaiting_auth_) return;
  append("-ERR 'Authentication Timeout'\r\n");
  if (ctx_->log->trace) trace("->>", "-ERR Authentication Timeout");
  ctx_->log->debugf(prefix_ + "Authentication Timeout");
  close("Authentication Timeout");
}

void route_connection::registered() {
  registered_ = true;
  if (ctx_->gateways_enabled()) {
    // Routed replies for the peer arrive here when another cluster reached us first.
    peer_hash_ = gateway_reply::hash(peer_.server_id);
    ctx_->set_route_by_hash(peer_hash_, self_);
  }
  ctx_->log->debugf(prefix_ + "Registering remote route \"" + peer_.server_id + "\"");
}

void route_connection::tls_handshake_done(const std::string& error, const std::string& version,
                                          const std::string& cipher,
                                          const certificate_names& peer) {
  if (closing()) return;
  std::string why;
  if (error.empty() && !certificate_pinned(peer, ctx_->current_cluster_tls()->pinned_certs, why))
    ctx_->log->debugf(prefix_ + why);
  if (!error.empty() || !why.empty()) {
    ctx_->log->error(prefix_ + "TLS route handshake error: " +
                     (error.empty() ? std::string{"certificate not pinned"} : error));
    close("TLS Handshake Failure");
    return;
  }
  ctx_->log->debugf(prefix_ + "TLS handshake complete");
  ctx_->log->debugf(prefix_ + "TLS version " + version + ", cipher suite " + cipher);
}

void route_connection::refused(const std::string& why) {
  ctx_->log->debugf(prefix_ + why);
  close(why);
}

bool route_connection::on_ping() {
  ping_received();
  return true;
}

bool route_connection::on_pong() {
  pong_received();
  return true;
}

bool route_connection::on_err(std::string_view text) {
  ctx_->log->error(prefix_ + "Route Error '" + std::string{text} + "'");
  close("Route Error");
  return false;
}

bool route_connection::on_remote_sub(std::string_view account, std::string_view subject,
                                     std::string_view queue, int32_t weight) {
  if (ctx_->log->trace)
    trace("<<-",
          "RS+ " + std::string{account} + " " + std::string{subject} +
              (queue.empty() ? "" : " " + std::string{queue} + " " + std::to_string(weight)));
  return add_remote_sub({}, account, subject, queue, weight);
}

bool route_connection::on_origin_sub(std::string_view origin, std::string_view account,
                                     std::string_view subject, std::string_view queue,
                                     int32_t weight) {
  if (ctx_->log->trace)
    trace("<<-",
          "LS+ " + std::string{origin} + " " + std::string{account} + " " + std::string{subject} +
              (queue.empty() ? "" : " " + std::string{queue} + " " + std::to_string(weight)));
  return add_remote_sub(origin, account, subject, queue, weight);
}

// Other clusters and leafnodes hear of the peer's interest too (queue groups by weight).
void route_connection::report_interest(std::string_view account, const subscription& sub, int delta,
                                       bool moved) {
  if (!ctx_->reports_remote_interest() || (delta == 0 && !moved)) return;
  cluster_interest_.push_back(interest_change{std::string{account}, sub.subject, sub.queue, delta,
                                              interest_source::route, rid_, sub.origin});
}

bool route_connection::add_remote_sub(std::string_view origin, std::string_view account,
                                      std::string_view subject, std::string_view queue,
                                      int32_t weight) {
  if (!subject::valid_subscription(subject)) return true;
  if (export_filter_ && !export_filter_->can_subscribe(subject, queue)) {
    // Cluster `permissions { export }`: nats-server's canExport, and its words.
    ctx_->log->debugf(prefix_ + "Can not export \"" + std::string{subject} +
                      "\", ignoring remote subscription request");
    return true;
  }
  gnatsd::account* acc = account_named(account);
  if (acc == nullptr) return true;
  const std::string key = std::string{account} + " " + interest_key(subject, queue);
  const int32_t members = std::max<int32_t>(1, weight);
  auto it = remote_subs_.find(key);
  if (it != remote_subs_.end()) {
    // A queue RS+ for a known key carries the new weight; a repeated plain RS+ only says
    // where the interest comes from now (a leafnode cluster, or anywhere: LS+ / RS+).
    auto& sub = *it->second.sub;
    const int32_t before = sub.weight.exchange(members, std::memory_order_relaxed);
    const bool moved = sub.origin != origin;
    if (moved) sub.origin.assign(origin);  // read by this actor only
    const int delta = queue.empty() ? 0 : members - before;
    if (delta != 0 || moved) report_interest(account, sub, delta, true);
    return true;
  }
  auto sub = std::make_shared<subscription>();
  sub->subject.assign(subject);
  sub->queue.assign(queue);
  sub->sid = key;
  sub->owner = self_;
  sub->id = ctx_->next_subscription_id.fetch_add(1, std::memory_order_relaxed);
  sub->weight.store(members, std::memory_order_relaxed);
  sub->origin.assign(origin);
  acc->subscriptions().insert(sub);
  report_interest(account, *sub, queue.empty() ? 1 : members);
  if (ctx_->gateways_enabled()) ctx_->recent_subs.add(acc, subject, now_.count());
  remote_subs_.emplace(key, remote_interest{acc->shared_from_this(), std::move(sub)});
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs[key] = queue.empty() ? std::string{subject} : interest_key(subject, queue);
  }
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  return true;
}

bool route_connection::on_remote_unsub(std::string_view account, std::string_view subject,
                                       std::string_view queue) {
  if (ctx_->log->trace)
    trace("<<-", "RS- " + std::string{account} + " " + std::string{subject} +
                     (queue.empty() ? "" : " " + std::string{queue}));
  auto it = remote_subs_.find(std::string{account} + " " + interest_key(subject, queue));
  if (it == remote_subs_.end()) return true;
  it->second.sub->closed.store(true, std::memory_order_release);
  it->second.acc->subscriptions().remove(it->second.sub);
  const auto& gone = *it->second.sub;
  report_interest(account, gone,
                  gone.queue.empty() ? -1 : -gone.weight.load(std::memory_order_relaxed));
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs.erase(it->first);
  }
  remote_subs_.erase(it);
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  return true;
}

bool route_connection::on_routed_message(const proto::routed_message& msg) {
  if (ctx_->log->trace) {
    std::string op = msg.has_headers ? "HMSG " : "RMSG ";
    op += std::string{msg.account} + " " + std::string{msg.subject};
    if (!msg.queues->empty()) {
      op += msg.reply.empty() ? " |" : " + " + std::string{msg.reply};
      for (auto q : *msg.queues)
        op += " " + std::string{q};
    } else if (!msg.reply.empty()) {
      op += " " + std::string{msg.reply};
    }
    if (msg.has_headers) op += " " + std::to_string(msg.header_size);
    op += " " + std::to_string(msg.message.size());
    trace("<<-", op);
  }
  message_received(msg.message.size());
  account* acc = account_named(msg.account);
  if (acc == nullptr) return true;
  message_origin origin;
  origin.self = self_.get();
  origin.acc = acc;
  origin.from_route = true;
  origin.queues = msg.queues;
  origin.leaf_origin = msg.origin;
  std::string_view subject = msg.subject;
  if (ctx_->gateways_enabled() && gateway_reply::is_routed(subject)) {
    // A reply from another cluster, forwarded by the server that received it to us, the
    // requester's server: delivered here as if published here (nats-server's
    // handleGatewayReply). One meant for another cluster is dropped.
    if (gateway_reply::cluster_hash(subject) != ctx_->gateway_cluster_hash) return true;
    subject = gateway_reply::original(subject);
    origin.from_route = false;
    origin.queues = nullptr;
  }
  router_.route({subject, msg.reply, msg.has_headers, msg.header_size, msg.message}, origin);
  return true;
}

account* route_connection::account_named(std::string_view name) {
  if (last_account_ && last_account_->name() == name) return last_account_.get();
  // A peer that keeps naming an account we do not have costs one lookup and one log line
  // per run of such messages, not per message (until a reload may have added it).
  const uint64_t generation = ctx_->accounts.generation();
  if (name == unknown_account_ && generation == unknown_generation_) return nullptr;
  account_ptr acc = ctx_->accounts.find(name);
  if (!acc) {
    // nats-server ignores what a peer says about an account it does not have.
    if (ctx_->log->debug)
      ctx_->log->debugf(prefix_ + "Unknown account \"" + std::string{name} + "\"");
    unknown_account_.assign(name.data(), name.size());
    unknown_generation_ = generation;
    return nullptr;
  }
  last_account_ = std::move(acc);
  return last_account_.get();
}

void route_connection::cleanup() {
  self_->gone.store(true, std::memory_order_relaxed);  // producers stop stalling for us
  if (!peer_hash_.empty()) ctx_->remove_route_by_hash(peer_hash_, self_.get());
  for (auto& [key, interest] : remote_subs_) {
    interest.sub->closed.store(true, std::memory_order_release);
    interest.acc->subscriptions().remove(interest.sub);
    const auto& gone = *interest.sub;
    report_interest(interest.acc->name(), gone,
                    gone.queue.empty() ? -1 : -gone.weight.load(std::memory_order_relaxed));
  }
  remote_subs_.clear();
}

std::optional<proto::route_info> route_connection::take_registration() {
  auto r = std::move(registration_);
  registration_.reset();
  return r;
}

std::vector<proto::route_info> route_connection::take_gateway_gossip() {
  std::vector<proto::route_info> out;
  out.swap(gateway_gossip_);
  return out;
}

std::vector<interest_change> route_connection::take_cluster_interest() {
  std::vector<interest_change> out;
  out.swap(cluster_interest_);
  return out;
}

std::vector<proto::route_info> route_connection::take_gossip() {
  std::vector<proto::route_info> g;
  g.swap(gossip_);
  return g;
}

}  // namespace gnatsd
