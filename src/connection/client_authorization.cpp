// The authorization half of a client connection (connection/client_connection.hpp): who
// the client logs in as at CONNECT (token, user and password, users list, nkey signature,
// certificate, no_auth_user), into which account, with which permissions; what it may publish
// and subscribe to; and the re-check a config reload asks for.
#include <algorithm>

#include "auth/nkey.hpp"
#include "auth/password.hpp"
#include "auth/reply_permits.hpp"
#include "connection/client_connection.hpp"

namespace gnatsd {

// nats-server's line for a refused login: with a `users` list it names the user tried.
std::string client_connection::authentication_error() const {
  if (ctx_->current_auth()->users.empty()) return "authentication error";
  return "authentication error - User \"" + connect_.user + "\"";
}

bool client_connection::authorize() {
  const auto auth_now = ctx_->current_auth();
  const auto& auth = *auth_now;
  if (!connect_.account.empty() || !connect_.new_account.empty()) return false;
  if (!auth.token.empty()) return connect_.auth_token == auth.token;
  if (!auth.user.empty())
    return connect_.user == auth.user && password_matches(auth.password, connect_.pass);
  if (auth.users.empty()) return true;
  if (tls_ && ctx_->current_tls()->verify_and_map) return authorize_by_certificate(auth);
  if (!connect_.nkey.empty()) return authorize_by_nkey(auth);
  if (const auto* u = no_auth_user(auth)) return log_in_as(*u);
  for (const auto& u : auth.users)
    if (u.nkey.empty() && u.user == connect_.user && password_matches(u.password, connect_.pass))
      return log_in_as(u);
  return false;
}

// An nkey user signs the nonce of its INFO with its seed: the signature must check out
// against the public key it names, and that key must be a configured user's.
bool client_connection::authorize_by_nkey(const authorization_options& auth) {
  for (const auto& u : auth.users) {
    if (u.nkey != connect_.nkey) continue;
    if (!nkey::verify(u.nkey, ctx_->nonce_for(cid_), connect_.sig)) return false;
    return log_in_as(u);
  }
  return false;
}

// no_auth_user: a CONNECT without credentials logs in as that user, as nats-server does.
const user_entry* client_connection::no_auth_user(const authorization_options& auth) const {
  if (!connect_.user.empty() || !connect_.pass.empty() || !connect_.auth_token.empty())
    return nullptr;
  const auto options = ctx_->current_options();
  if (options->no_auth_user.empty()) return nullptr;
  for (const auto& u : auth.users)
    if (u.user == options->no_auth_user) return &u;
  return nullptr;
}

// verify_and_map: the certificate names the user; a password is not asked, and a CONNECT
// naming another user is refused (nats-server 2.9.10's checks and log lines).
bool client_connection::authorize_by_certificate(const authorization_options& auth) {
  std::vector<std::string> names;
  for (const auto& u : auth.users)
    names.push_back(u.user);
  const auto match = user_for_certificate(peer_certificate_, names);
  if (!match) {
    ctx_->log->debugf(prefix_ + "User in cert [\"" + peer_certificate_.subject_text +
                      "\"], not found");
    return false;
  }
  ctx_->log->debugf(prefix_ + match->how);
  if (!connect_.user.empty() && connect_.user != match->user) {
    ctx_->log->warn("User \"" + connect_.user +
                    "\" found in connect proto, but user required from cert");
    connect_.user = match->user;  // the name the failure is logged under
    return false;
  }
  connect_.user = match->user;
  for (const auto& u : auth.users)
    if (u.user == match->user) return log_in_as(u);
  return true;
}

bool client_connection::log_in_as(const user_entry& u) {
  account_ptr acc = u.account.empty() ? ctx_->accounts.global() : ctx_->accounts.find(u.account);
  if (!acc) return false;  // its account went away in a reload
  account_ = std::move(acc);
  user_ = u.nkey.empty() ? u.user : u.nkey;  // an nkey user is known by its key
  // A user without permissions of its own got its block's default_permissions when the
  // config was read (config/auth_config.cpp).
  if (u.permissions) permissions_ = std::make_unique<permission_checker>(*u.permissions);
  const bool responses = u.permissions && u.permissions->responses;
  self_->set_replies(responses ? std::make_shared<reply_permits>(*u.permissions->responses)
                               : nullptr);
  return true;
}

bool client_connection::may_publish(std::string_view subject) {
  if (!permissions_) return true;
  // A reused key buffer: no allocation per publish once it has grown (as the match cache).
  verdict_key_.assign(subject.data(), subject.size());
  auto it = publish_verdicts_.find(verdict_key_);
  if (it == publish_verdicts_.end()) {
    if (publish_verdicts_.size() >= publish_verdicts_max) publish_verdicts_.clear();
    it = publish_verdicts_.emplace(verdict_key_, permissions_->can_publish(subject)).first;
  }
  if (it->second) return true;
  // allow_responses: a reply subject of a message it received (never cached: it is used up).
  if (const auto permits = self_->replies(); permits && permits->use(subject, now_)) return true;
  send_err("Permissions Violation for Publish to \"" + std::string{subject} + "\"");
  ctx_->log->log(log_level::error, prefix_ + "Publish Violation - User \"" + user_ +
                                       "\", Subject \"" + std::string{subject} + "\"");
  return false;
}

bool client_connection::may_subscribe(std::string_view subject, std::string_view queue,
                                      std::string_view sid) {
  if (!permissions_ || permissions_->can_subscribe(subject, queue)) return true;
  const std::string quoted = "\"" + std::string{subject} + "\"";
  if (queue.empty()) {
    send_err("Permissions Violation for Subscription to " + quoted);
    ctx_->log->log(log_level::error, prefix_ + "Subscription Violation - User \"" + user_ +
                                         "\", Subject " + quoted + ", SID " + std::string{sid});
  } else {
    const std::string q = "\"" + std::string{queue} + "\"";
    send_err("Permissions Violation for Subscription to " + quoted + " using queue " + q);
    ctx_->log->log(log_level::error, prefix_ + "Subscription Violation - User \"" + user_ +
                                         "\", Subject " + quoted + ", Queue: " + q + ", SID " +
                                         std::string{sid});
  }
  return false;
}

void client_connection::reload_authorization() {
  if (closing_ || !connect_received_ || !authorized_) return;
  const auto auth = ctx_->current_auth();
  if (!user_.empty()) {
    const bool still_there = std::any_of(
        auth->users.begin(), auth->users.end(),
        [&](const user_entry& u) { return (u.nkey.empty() ? u.user : u.nkey) == user_; });
    if (!still_there) {  // a removed user is closed with nothing written
      close(close_reason::auth_violation, false);
      return;
    }
  }
  user_.clear();
  permissions_.reset();
  publish_verdicts_.clear();
  const account_ptr before = account_;
  if (!authorize()) {   // a changed password or token
    account_ = before;  // its subscriptions are there
    fail(proto::error_code::authorization_violation);
    return;
  }
  if (account_ != before) {  // moved to another account: its subscriptions are in the old one
    account_ = before;
    close(close_reason::auth_violation, false);
    return;
  }
  std::vector<subscription_ptr> refused;
  for (const auto& [sid, s] : subs_) {
    if (permissions_ && !permissions_->can_subscribe(s->subject, s->queue)) {
      refused.push_back(s);
      continue;
    }
    // The subscriptions that stay get the new deny list for what they must not receive.
    auto filter = permissions_ ? permissions_->delivery_filter(s->subject) : nullptr;
    if (filter || s->deny_filter()) s->set_deny_filter(std::move(filter));
  }
  for (const auto& s : refused) {
    send_err("Permissions Violation for Subscription to \"" + s->subject + "\" (sid \"" + s->sid +
             "\")");
    remove_subscription(s);
  }
}

}  // namespace gnatsd
