#include "connection/gateway_connection.hpp"

#include "auth/password.hpp"
#include "auth/redact.hpp"
#include "config/nats_url.hpp"
#include "subject/subject.hpp"
#include "util/assert.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

std::string quoted(std::string_view s) {
  return "\"" + std::string{s} + "\"";
}

std::string interest_key(std::string_view account, std::string_view subject,
                         std::string_view queue) {
  std::string key{account};
  key += ' ';
  key += subject;
  key += ' ';
  key += queue;
  return key;
}

}  // namespace

gateway_connection::gateway_connection(server_context_ptr ctx, uint64_t gid,
                                       std::string remote_host, int remote_port, gateway_role role,
                                       std::shared_ptr<subscriber> self, prng rng)
    : peer_link(std::move(ctx), std::move(self), "Gateway"),
      gid_(gid),
      remote_host_(std::move(remote_host)),
      role_(std::move(role)),
      rng_(rng),
      router_(*ctx_, rng_) {
  GNATSD_ASSERT(self_ != nullptr && self_->is_gateway());
  prefix_ = join_host_port(remote_host_, remote_port) + " - gid:" + std::to_string(gid_) + " - ";
  self_->log_prefix = prefix_;
  if (role_.outbound) remote_name_ = role_.name;
}

void gateway_connection::start(const proto::gateway_info& local_info, bool tls) {
  stats_->start_steady_ns.store(now_.count(), std::memory_order_relaxed);
  stats_->last_activity_steady_ns.store(now_.count(), std::memory_order_relaxed);
  local_info_ = local_info;
  local_info_.tls_required = tls;
  if (role_.outbound) {
    ctx_->log->info(prefix_ + "Creating outbound gateway connection to " + quoted(role_.name));
    return;  // CONNECT and INFO follow the peer's INFO
  }
  ctx_->log->info(prefix_ + "Processing inbound gateway connection");
  append(proto::encode_gateway_info(local_info_));
}

void gateway_connection::receive(const char* data, size_t size) {
  if (closing()) return;
  // As nats-server: an inbound gateway must start with CONNECT; anything else is an
  // authorization violation, refused before it is parsed.
  if (awaiting_connect() && size > 0 && !parser_.mid_operation() && data[0] != 'C' &&
      data[0] != 'c') {
    authentication_failed();
    return;
  }
  stats_->last_activity_steady_ns.store(now_.count(), std::memory_order_relaxed);
  parse_read([&] { return parser_.parse(data, size, *this); });
}

bool gateway_connection::on_connect(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "CONNECT " + redact_connect(json));
  if (role_.outbound || connect_received_) return true;  // nats-server ignores a repeat
  proto::gateway_connect c;
  if (!proto::parse_gateway_connect(json, c)) {
    close("Bad CONNECT");
    return false;
  }
  const auto options = ctx_->current_options();
  const auto& auth = options->gateway.authorization;
  if (!auth.user.empty() && (c.user != auth.user || !password_matches(auth.password, c.pass))) {
    authentication_failed();
    return false;
  }
  if (c.gateway.empty()) {
    // A client or a route dialled the gateway port.
    append("-ERR 'attempted to connect to gateway port'\r\n");
    ctx_->log->error(prefix_ + "attempted to connect to gateway port");
    close("Incorrect Port");
    return false;
  }
  if (options->gateway.reject_unknown) {
    bool known = false;
    for (const auto& r : options->gateway.gateways)
      known = known || r.name == c.gateway;
    if (!known) {
      ctx_->log->error(prefix_ + "Rejecting connection from gateway " + quoted(c.gateway));
      append("-ERR 'Connection to gateway " + quoted(ctx_->gateway_name) + " rejected'\r\n");
      close("Wrong Gateway");
      return false;
    }
  }
  connect_received_ = true;
  remote_name_ = c.gateway;
  return true;
}

bool gateway_connection::on_info(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "INFO " + std::string{json});
  proto::gateway_info info;
  if (!proto::parse_gateway_info(json, info)) {
    close("Bad INFO");
    return false;
  }
  const bool first = !info_received_;
  info_received_ = true;
  if (!role_.outbound) {
    // Inbound: the first INFO completes the handshake; later ones say nothing we use.
    if (!first) return true;
    if (info.server_id == ctx_->server_id) {
      close("Duplicate Route");  // our own outbound came back to us
      return false;
    }
    peer_ = info;
    if (remote_name_.empty()) remote_name_ = info.gateway;
    registration_ = info;
    return true;
  }
  if (first) return first_outbound_info(info);
  if (info.command == proto::gateway_command::all_subs_start ||
      info.command == proto::gateway_command::all_subs_complete) {
    account_command(info);
    return true;
  }
  if (info.command != proto::gateway_command::none &&
      info.command != proto::gateway_command::gossip) {
    ctx_->log->warn("Received unknown command " + std::to_string(static_cast<int>(info.command)) +
                    " from gateway " + quoted(remote_name_));
    return true;
  }
  if (info.gateway.empty()) return true;
  // Gossip of another cluster, or new URLs of the peer's own: the server decides.
  if (info.gateway != remote_name_ && info.command != proto::gateway_command::gossip) return true;
  learned_.push_back(std::move(info));
  return true;
}

bool gateway_connection::first_outbound_info(const proto::gateway_info& info) {
  if (info.gateway.empty()) {
    const std::string why =
        "Attempt to connect to gateway " + quoted(role_.name) + " using wrong port";
    append("-ERR '" + why + "'\r\n");
    ctx_->log->error(prefix_ + why);
    close("Incorrect Port");
    return false;
  }
  if (info.gateway != role_.name) {
    ctx_->log->error(prefix_ + "Failing connection to gateway " + quoted(role_.name) +
                     ", remote gateway name is " + quoted(info.gateway));
    append("-ERR 'Connection from " + quoted(ctx_->gateway_name) +
           " rejected, wanted to connect to " + quoted(role_.name) + ", this is " +
           quoted(info.gateway) + "'\r\n");
    close("Wrong Gateway");
    return false;
  }
  if (info.server_id == ctx_->server_id) {
    close("Duplicate Route");
    return false;
  }
  peer_ = info;
  proto::gateway_connect c;
  c.name = ctx_->server_id;
  c.gateway = ctx_->gateway_name;
  c.tls_required = local_info_.tls_required;
  const auto options = ctx_->current_options();
  c.user = options->gateway.authorization.user;
  c.pass = options->gateway.authorization.password;
  // Credentials in the URL dialled take precedence, as nats-server's sendGatewayConnect.
  if (nats_url url; parse_nats_url(role_.url, url) && !url.user.empty()) {
    c.user = url.user;
    c.pass = url.pass;
  }
  append(proto::encode_gateway_connect(c));
  ctx_->log->debugf(prefix_ + "Gateway connect protocol sent to " + quoted(role_.name));
  append(proto::encode_gateway_info(local_info_));
  self_->headers.store(info.headers, std::memory_order_release);
  if (!info.gateway_iom) {
    // A server before 2.9: optimistic until it switches an account to interest-only mode.
    optimistic_ = std::make_shared<optimistic_interest>();
    sentinel_ = std::make_shared<subscription>();
    sentinel_->subject = ">";
    sentinel_->sid = "optimistic";
    sentinel_->owner = self_;
  }
  registration_ = info;
  learned_.push_back(info);  // its URLs, and the cluster for our routes' peers to dial
  return true;
}

void gateway_connection::account_command(const proto::gateway_info& info) {
  if (info.command_payload.empty()) {
    const std::string cmd =
        info.command == proto::gateway_command::all_subs_start ? "start" : "complete";
    const std::string why = "Account absent from receive-all-subscriptions-" + cmd + " command";
    append("-ERR '" + why + "'\r\n");
    ctx_->log->error(prefix_ + why);
    close("Protocol Violation");
    return;
  }
  // A 2.9 peer's RS+ are kept from the start and these commands only mark the switch; an
  // optimistic peer's account moves from no-interest marks to announced interest.
  const bool start = info.command == proto::gateway_command::all_subs_start;
  if (optimistic_) {
    if (start) {
      optimistic_->switching(info.command_payload);
    } else {
      optimistic_->switched(info.command_payload);
    }
  }
  ctx_->log->debugf(prefix_ + "Gateway " + quoted(remote_name_) + ": switching account " +
                    quoted(info.command_payload) + " to Interest-Only mode" +
                    (start ? "" : " complete"));
}

void gateway_connection::authentication_failed() {
  ctx_->log->error(prefix_ + "authentication error");
  append("-ERR 'Authorization Violation'\r\n");
  close("Authentication Failure");
}

void gateway_connection::auth_timer() {
  if (closing() || !awaiting_connect()) return;
  append("-ERR 'Authentication Timeout'\r\n");
  ctx_->log->debugf(prefix_ + "Authentication Timeout");
  close("Authentication Timeout");
}

void gateway_connection::registered() {
  registered_ = true;
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->name = peer_.server_id;
  }
  if (role_.outbound) {
    ctx_->log->info(prefix_ + "Outbound gateway connection to " + quoted(role_.name) + " (" +
                    peer_.server_id + ") registered");
  } else {
    ctx_->log->info(prefix_ + "Inbound gateway connection from " + quoted(remote_name_) + " (" +
                    peer_.server_id + ") registered");
  }
}

void gateway_connection::refused(const std::string& why) {
  ctx_->log->debugf(prefix_ + why);
  no_redial_ = true;
  close(why);
}

void gateway_connection::tls_handshake_done(const std::string& error, const std::string& version,
                                            const std::string& cipher) {
  if (closing()) return;
  if (!error.empty()) {
    ctx_->log->error(prefix_ + "TLS gateway handshake error: " + error);
    close("TLS Handshake Failure");
    return;
  }
  ctx_->log->debugf(prefix_ + "TLS handshake complete");
  ctx_->log->debugf(prefix_ + "TLS version " + version + ", cipher suite " + cipher);
}

bool gateway_connection::on_ping() {
  ping_received();
  return true;
}

bool gateway_connection::on_pong() {
  pong_received();
  return true;
}

bool gateway_connection::on_err(std::string_view text) {
  ctx_->log->error(prefix_ + "Gateway Error '" + std::string{text} + "'");
  close("Gateway Error");
  return false;
}

// Interest comes only from the side that accepted; an inbound peer sending it is broken.
bool gateway_connection::interest_on_inbound(const char* op) {
  if (role_.outbound) return false;
  ctx_->log->error(prefix_ + "Received " + op + " from gateway on inbound connection");
  close("Protocol Violation");
  return true;
}

bool gateway_connection::on_remote_sub(std::string_view account, std::string_view subject,
                                       std::string_view queue, int32_t weight) {
  if (ctx_->log->trace)
    trace("<<-",
          "RS+ " + std::string{account} + " " + std::string{subject} +
              (queue.empty() ? "" : " " + std::string{queue} + " " + std::to_string(weight)));
  if (interest_on_inbound("RS+")) return false;
  if (!subject::valid_subscription(subject)) return true;
  if (optimistic_ && queue.empty() && optimistic_->marks(account)) {
    optimistic_->interest(account, subject);  // takes a no-interest mark back
    return true;
  }
  gnatsd::account* acc = account_named(account);
  if (acc == nullptr) return true;
  const std::string key = interest_key(account, subject, queue);
  if (remote_subs_.count(key) != 0) return true;  // a repeat; queue weights do not matter here
  auto sub = std::make_shared<subscription>();
  sub->subject.assign(subject);
  sub->queue.assign(queue);
  sub->sid = key;
  sub->owner = self_;
  sub->id = ctx_->next_subscription_id.fetch_add(1, std::memory_order_relaxed);
  acc->subscriptions().insert(sub);
  report(account, *sub, +1);
  remote_subs_.emplace(key, remote_interest{acc->shared_from_this(), std::move(sub)});
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs[key] =
        queue.empty() ? std::string{subject} : std::string{subject} + " " + std::string{queue};
  }
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  return true;
}

bool gateway_connection::on_remote_unsub(std::string_view account, std::string_view subject,
                                         std::string_view queue) {
  if (ctx_->log->trace)
    trace("<<-", "RS- " + std::string{account} + " " + std::string{subject} +
                     (queue.empty() ? "" : " " + std::string{queue}));
  if (interest_on_inbound("RS-")) return false;
  if (optimistic_ && queue.empty() && optimistic_->marks(account)) {
    optimistic_->no_interest(account, subject);
    return true;
  }
  auto it = remote_subs_.find(interest_key(account, subject, queue));
  if (it == remote_subs_.end()) return true;
  it->second.sub->closed.store(true, std::memory_order_release);
  it->second.acc->subscriptions().remove(it->second.sub);
  report(account, *it->second.sub, -1);
  {
    std::lock_guard<std::mutex> guard{stats_->mutex};
    stats_->subs.erase(it->first);
  }
  remote_subs_.erase(it);
  stats_->subscription_count.store(remote_subs_.size(), std::memory_order_relaxed);
  return true;
}

bool gateway_connection::on_account_interest(std::string_view account, bool interested) {
  if (ctx_->log->trace)
    trace("<<-", std::string{interested ? "A+ " : "A- "} + std::string{account});
  if (interest_on_inbound(interested ? "A+" : "A-")) return false;
  // Optimistic mode's account marks; a 2.9 peer never sends them, and announced interest
  // alone decides what it gets.
  if (optimistic_) optimistic_->account_interest(account, interested);
  return true;
}

bool gateway_connection::on_routed_message(const proto::routed_message& msg) {
  if (ctx_->log->trace) {
    std::string op = msg.has_headers ? "HMSG " : "RMSG ";
    op += std::string{msg.account} + " " + std::string{msg.subject};
    if (!msg.reply.empty()) op += " " + std::string{msg.reply};
    op += " " + std::to_string(msg.message.size());
    trace("<<-", op);
  }
  message_received(msg.message.size());
  account* acc = account_named(msg.account);
  if (acc == nullptr) {
    // nats-server tells the sender once that this cluster has no such account (A-).
    if (refused_accounts_.count(msg.account) == 0 && !role_.outbound) {
      refused_accounts_.emplace(msg.account);
      append("A- " + std::string{msg.account} + "\r\n");
    }
    return true;
  }
  if (gateway_reply::is_routed(msg.subject)) {
    routed_reply(msg, *acc);
    return true;
  }
  message_origin origin;
  origin.self = self_.get();
  origin.acc = acc;
  origin.from_gateway = true;
  origin.queues = msg.queues;
  router_.route({msg.subject, msg.reply, msg.has_headers, msg.header_size, msg.message}, origin);
  return true;
}

// A reply to a request that left this cluster: for the requester's server, which may be
// another server of this cluster (then it goes there over the route), or this one (then it
// is delivered as if published here). One for another cluster is dropped, as nats-server does.
void gateway_connection::routed_reply(const proto::routed_message& msg, account& acc) {
  if (gateway_reply::cluster_hash(msg.subject) != ctx_->gateway_cluster_hash) return;
  const std::string_view server = gateway_reply::server_hash(msg.subject);
  if (server != ctx_->gateway_server_hash) {
    if (auto route = ctx_->route_by_hash(server)) {
      router_.forward(route, acc.name(),
                      {msg.subject, msg.reply, msg.has_headers, msg.header_size, msg.message});
      return;
    }
  }
  message_origin origin;
  origin.self = self_.get();
  origin.acc = &acc;
  router_.route({gateway_reply::original(msg.subject), msg.reply, msg.has_headers, msg.header_size,
                 msg.message},
                origin);
}

account* gateway_connection::account_named(std::string_view name) {
  if (last_account_ && last_account_->name() == name) return last_account_.get();
  account_ptr acc = ctx_->accounts.find(name);
  if (!acc) return nullptr;
  last_account_ = std::move(acc);
  return last_account_.get();
}

void gateway_connection::cleanup() {
  self_->gone.store(true, std::memory_order_relaxed);
  for (auto& [key, interest] : remote_subs_) {
    interest.sub->closed.store(true, std::memory_order_release);
    interest.acc->subscriptions().remove(interest.sub);
    report(interest.acc->name(), *interest.sub, -1);
  }
  remote_subs_.clear();
}

// Leafnodes we are the hub of hear of other clusters' interest too (nats-server's
// updateInterestForAccountOnGateway).
void gateway_connection::report(std::string_view account, const subscription& sub, int delta) {
  if (!ctx_->leafnodes_enabled) return;
  interest_.push_back(interest_change{
      std::string{account}, sub.subject, sub.queue, delta, interest_source::gateway, gid_, {}});
}

std::vector<interest_change> gateway_connection::take_interest() {
  std::vector<interest_change> out;
  out.swap(interest_);
  return out;
}

std::optional<proto::gateway_info> gateway_connection::take_registration() {
  auto r = std::move(registration_);
  registration_.reset();
  return r;
}

std::vector<proto::gateway_info> gateway_connection::take_learned() {
  std::vector<proto::gateway_info> out;
  out.swap(learned_);
  return out;
}

}  // namespace gnatsd
