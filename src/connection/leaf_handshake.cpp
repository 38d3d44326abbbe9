// The handshake half of a leafnode connection (connection/leaf_connection.hpp): the INFO and
// CONNECT exchange of both sides, the hub's authorization of the leaf (binding it to an
// account), and the permissions each side applies to what crosses, as nats-server 2.9 does
// (leafnode.go: createLeafNode, processLeafnodeInfo, processLeafNodeConnect,
// sendPermsAndAccountInfo; auth.go: isLeafNodeAuthorized).
#include <algorithm>

#include "auth/credentials.hpp"
#include "auth/nkey.hpp"
#include "auth/password.hpp"
#include "auth/redact.hpp"
#include "config/nats_url.hpp"
#include "connection/leaf_connection.hpp"
#include "proto/identity.hpp"

namespace gnatsd {
namespace {

// nats-server denies JetStream's API across a leafnode whose sides do not extend one
// JetStream domain; gnatsd has no JetStream, so it always says so.
const std::vector<std::string> jetstream_denied{"$JS.API.>", "$KV.>", "$OBJ.>"};

void add_denied(subject_rules& r, const std::vector<std::string>& subjects) {
  for (const auto& s : subjects)
    if (std::find(r.deny.begin(), r.deny.end(), s) == r.deny.end()) r.deny.push_back(s);
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? " " : "") + v[i];
  return out + "]";
}

}  // namespace

void leaf_connection::start(const std::vector<std::string>& leafnode_urls, bool tls) {
  stats_->start_steady_ns.store(now_.count(), std::memory_order_relaxed);
  stats_->last_activity_steady_ns.store(now_.count(), std::memory_order_relaxed);
  if (role_.solicited) {
    const auto options = ctx_->current_options();
    account_name_ = options->leafnodes.remotes.at(role_.remote).account;
    if (account_name_.empty()) account_name_ = "$G";
    ctx_->log->info(prefix_ + "Leafnode connection created for account: " + account_name_ + " ");
    return;  // the hub speaks first
  }
  ctx_->log->info(prefix_ + "Leafnode connection created ");
  const auto options = ctx_->current_options();
  local_info_.server_id = ctx_->server_id;
  local_info_.server_name = ctx_->server_name;
  local_info_.version = server_version;
  local_info_.headers = true;
  local_info_.max_payload = options->max_payload;
  local_info_.tls_required = tls;
  local_info_.tls_verify = tls && options->leafnodes.tls.verify;
  local_info_.cid = lid_;
  local_info_.nonce = ctx_->nonce_for(lid_);
  local_info_.info_on_connect = true;
  local_info_.leafnode_urls = leafnode_urls;
  local_info_.cluster = ctx_->current_options()->cluster.name;
  if (!leafnode_urls.empty()) {
    local_info_.ip = leafnode_urls.front();
    const auto colon = local_info_.ip.rfind(':');
    local_info_.host = local_info_.ip.substr(0, colon);
    local_info_.port = std::atoi(local_info_.ip.c_str() + colon + 1);
  }
  append(proto::encode_leaf_info(local_info_));
}

void leaf_connection::tls_handshake_done(const std::string& error, const std::string& version,
                                         const std::string& cipher) {
  if (!error.empty()) {
    ctx_->log->error(prefix_ + "TLS leafnode handshake error: " + error);
    close("TLS Handshake Failure");
    return;
  }
  ctx_->log->debugf(prefix_ + "TLS handshake complete");
  ctx_->log->debugf(prefix_ + "TLS version " + version + ", cipher suite " + cipher);
}

void leaf_connection::auth_timer() {
  if (closing()) return;
  if (awaiting_connect()) {
    fail("Authentication Timeout", "", "Authentication Timeout");
    ctx_->log->debugf(prefix_ + "Authentication Timeout");
  } else if (role_.solicited && !registered_ && registration_ == std::nullopt) {
    fail("Stale Leaf Node Connection - Closing", "", "Stale Connection");
    ctx_->log->debugf(prefix_ + "Stale Leaf Node Connection - Closing");
  }
}

// -- the hub's side ---------------------------------------------------------------------------

bool leaf_connection::on_connect(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "CONNECT " + redact_connect(json));
  if (role_.solicited) return true;
  if (connected_) {
    // A second CONNECT names the same server again: nats-server evicts itself as a duplicate.
    fail("Duplicate Remote LeafNode Connection", "Duplicate Remote LeafNode Connection",
         "Duplicate Remote LeafNode Connection");
    return false;
  }
  proto::leaf_connect c;
  if (!proto::parse_leaf_connect(json, c)) {
    ctx_->log->error(prefix_ + "Leafnode Error Bad CONNECT");
    close("Protocol Violation");
    return false;
  }
  if (!authorize(c)) {
    fail("Authorization Violation", "authentication error", "Authentication Failure");
    return false;
  }
  if (!c.lang.empty()) {
    fail("attempted to connect to leaf node port", "attempted to connect to leaf node port",
         "Incorrect Port");
    return false;
  }
  const std::string& cluster = ctx_->current_options()->cluster.name;
  if (!cluster.empty() && c.cluster == cluster) {
    fail("remote leafnode has same cluster name", "remote leafnode has same cluster name",
         "Cluster Names Identical");
    return false;
  }
  if (!c.gateway.empty()) {
    const std::string why =
        "Rejecting connection from gateway \"" + c.gateway + "\" on the leafnode port";
    fail(why, why, "Wrong Gateway");
    return false;
  }
  connected_ = true;
  remote_server_ = c.name.empty() ? c.server_id : c.name;
  remote_cluster_ = c.cluster;
  spoke_ = c.hub;  // the leaf says it is the hub: we take the spoke's part
  parser_.set_headers_enabled(true);
  self_->headers.store(c.headers, std::memory_order_release);
  // Our second INFO: the account the leaf is bound to, and what its login may do.
  proto::leaf_info info = local_info_;
  info.nonce.clear();
  info.connect_info = true;
  info.remote_account = account_name_;
  if (const auto* login = peer_login_.get()) {
    info.import_rules = login->subscribe;
    info.export_rules = login->publish;
  }
  append(proto::encode_leaf_info(info));
  // What we send the leaf: what its login may subscribe to, less what it asked us not to
  // send; what we ask of it: what its login may publish.
  subject_rules send = peer_login_ ? peer_login_->subscribe : subject_rules{};
  subject_rules announce = peer_login_ ? peer_login_->publish : subject_rules{};
  add_denied(send, c.deny_pub);
  apply_permissions(std::move(send), std::move(announce));
  register_now({});
  return true;
}

bool leaf_connection::authorize(const proto::leaf_connect& c) {
  const auto options = ctx_->current_options();
  const auto& l = options->leafnodes;
  if (!l.user.empty())
    return c.user == l.user && password_matches(l.password, c.pass) && bind(l.account, nullptr);
  if (!l.users.empty()) {
    for (const auto& u : l.users)
      if (u.user == c.user) return password_matches(u.password, c.pass) && bind(u.account, nullptr);
    return false;
  }
  // No leafnode authorization: the leaf logs in as a client would (nats-server's
  // processClientOrLeafAuthentication), bound to that user's account.
  const auto auth = ctx_->current_auth();
  if (!auth->token.empty()) return false;  // a leafnode CONNECT carries no token
  if (!auth->user.empty())
    return c.user == auth->user && password_matches(auth->password, c.pass) &&
           bind(l.account, nullptr);
  if (!auth->users.empty()) {
    for (const auto& u : auth->users)
      if (u.nkey.empty() && u.user == c.user && password_matches(u.password, c.pass))
        return bind(u.account, u.permissions ? &*u.permissions : nullptr);
    return false;
  }
  return bind(l.account, nullptr);
}

bool leaf_connection::bind(const std::string& account, const permission_set* login) {
  account_name_ = account.empty() ? "$G" : account;
  account_ = ctx_->accounts.find(account_name_);
  if (!account_) return false;
  if (login != nullptr) peer_login_ = std::make_shared<permission_set>(*login);
  return true;
}

// -- the leaf's side --------------------------------------------------------------------------

bool leaf_connection::on_info(std::string_view json) {
  if (ctx_->log->trace) trace("<<-", "INFO " + std::string{json});
  if (!role_.solicited) return true;  // the leaf's INFOs say nothing we use
  proto::leaf_info info;
  if (!proto::parse_leaf_info(json, info)) {
    ctx_->log->error(prefix_ + "Leafnode Error Bad INFO");
    close("Protocol Violation");
    return false;
  }
  if (!info_received_) {
    info_received_ = true;
    if (!first_info(info)) return false;
  }
  if (!info.leafnode_urls.empty()) urls_ = info.leafnode_urls;
  if (info.connect_info || (!info.info_on_connect && registration_ == std::nullopt && !registered_))
    if (!registered_ && registration_ == std::nullopt) finish_solicited(info);
  return true;
}

bool leaf_connection::first_info(const proto::leaf_info& info) {
  // Only a leafnode port sends a client id and leafnode URLs in its first INFO.
  if (info.cid == 0 || !info.leafnode_urls_present) {
    ctx_->log->error(prefix_ + "attempted to connect to wrong port");
    close("Incorrect Port");
    return false;
  }
  if (info.tls_required) {
    // gnatsd dials hubs in plain text only: never send a login to a hub that wants TLS.
    ctx_->log->error(prefix_ + "leafnode remote requires TLS, which gnatsd does not dial yet");
    close("TLS Handshake Failure");
    return false;
  }
  nonce_ = info.nonce;
  remote_server_ = info.server_name.empty() ? info.server_id : info.server_name;
  remote_cluster_ = info.cluster;
  parser_.set_headers_enabled(true);
  self_->headers.store(info.headers, std::memory_order_release);
  account_ = ctx_->accounts.find(account_name_);
  if (!account_) {
    ctx_->log->error("Unable to lookup account " + account_name_ +
                     " for solicited leafnode connection");
    close("Missing Account");
    return false;
  }
  send_connect();
  connected_ = true;
  return true;
}

void leaf_connection::send_connect() {
  const auto options = ctx_->current_options();
  const auto& remote = options->leafnodes.remotes.at(role_.remote);
  proto::leaf_connect c;
  c.version = server_version;
  c.tls_required = false;
  c.server_id = ctx_->server_id;
  c.name = ctx_->server_name;
  c.hub = remote.hub;
  c.cluster = ctx_->leaf_cluster;
  c.headers = true;
  c.deny_pub = remote.deny_imports;
  if (!role_.creds.empty()) {
    const auto creds = parse_credentials(role_.creds);
    const auto sig = creds ? nkey::sign(creds->seed, nonce_) : std::nullopt;
    if (!creds) {
      ctx_->log->error(prefix_ + "Credentials file malformed");
    } else if (!sig) {
      ctx_->log->error(prefix_ + "Credentials file has malformed seed");
    } else {
      c.jwt = creds->jwt;
      c.sig = *sig;
    }
  } else if (nats_url url; parse_nats_url(role_.url, url) && !url.user.empty()) {
    c.user = url.user;
    c.pass = url.pass;
  } else {
    // A URL learned from the hub has no credentials: use those of a configured one.
    for (const auto& u : remote.urls)
      if (nats_url cfg; parse_nats_url(u, cfg) && !cfg.user.empty()) {
        c.user = cfg.user;
        c.pass = cfg.pass;
        break;
      }
  }
  append(proto::encode_leaf_connect(c));
  spoke_ = !remote.hub;
  ctx_->log->debugf(prefix_ + "Remote leafnode connect msg sent");
}

void leaf_connection::finish_solicited(const proto::leaf_info& info) {
  const auto options = ctx_->current_options();
  const auto& remote = options->leafnodes.remotes.at(role_.remote);
  // What we send the hub: what our login may publish there, less deny_exports; what we ask
  // of it: what our login may subscribe to, less deny_imports.
  subject_rules send = info.export_rules.value_or(subject_rules{});
  subject_rules announce = info.import_rules.value_or(subject_rules{});
  add_denied(send, remote.deny_exports);
  add_denied(announce, remote.deny_imports);
  apply_permissions(std::move(send), std::move(announce));
  register_now(info.leafnode_urls);
}

// -- both sides -------------------------------------------------------------------------------

void leaf_connection::apply_permissions(subject_rules send, subject_rules announce) {
  ctx_->log->info(prefix_ + "JetStream Not Extended, adding deny " + quoted_list(jetstream_denied) +
                  " for account \"" + account_name_ + "\"");
  add_denied(send, jetstream_denied);
  add_denied(announce, jetstream_denied);
  permission_set p;
  p.publish = std::move(send);
  p.subscribe = std::move(announce);
  filter_ = std::make_shared<const permission_checker>(p);
  peer_->spoke = spoke_;
  peer_->remote_cluster = remote_cluster_;
  peer_->send_filter = filter_;
  self_->leaf = peer_;
}

void leaf_connection::register_now(std::vector<std::string> urls) {
  loop_subject_ = loop_detection_subject(ctx_->server_id, account_name_);
  leaf_registration r;
  r.lid = lid_;
  r.account = account_name_;
  r.remote_server = remote_server_;
  r.remote_cluster = remote_cluster_;
  r.solicited = role_.solicited;
  r.spoke = spoke_;
  r.leafnode_urls = std::move(urls);
  r.audience.lid = lid_;
  r.audience.account = account_name_;
  r.audience.remote_cluster = remote_cluster_;
  r.audience.spoke = spoke_;
  r.audience.announce_filter = filter_;
  r.audience.extra.push_back(loop_subject_);
  if (const auto imports = account_->imports())
    for (const auto& rule : imports->services)
      r.audience.extra.push_back(rule->mapping.to());
  if (ctx_->gateways_enabled()) r.audience.extra.push_back("_GR_.>");
  registration_ = std::move(r);
}

}  // namespace gnatsd
