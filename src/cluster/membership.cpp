#include "cluster/membership.hpp"

#include <algorithm>

#include "config/nats_url.hpp"

namespace gnatsd::cluster {
namespace {

bool same_endpoint(const std::string& url_text, const std::string& host_port) {
  nats_url url;
  return parse_nats_url(url_text, url) && url.host_port() == host_port;
}

std::string host_port_of(const std::string& url_text) {
  nats_url url;
  return parse_nats_url(url_text, url) ? url.host_port() : std::string{};
}

}  // namespace

membership::membership(settings s, logger& log, prng rng)
    : log_(log),
      rng_(rng),
      local_(std::move(s.local)),
      cluster_dynamic_(s.cluster_dynamic),
      own_urls_(std::move(s.own_urls)),
      connect_retries_(s.connect_retries),
      user_(std::move(s.user)),
      password_(std::move(s.password)) {
  for (const auto& r : s.routes)
    if (const auto key = host_port_of(r); !key.empty()) configured_[key] = r;
}

// -- dialling -------------------------------------------------------------------------------

std::optional<dial_order> membership::solicit(const std::string& url_text, route_role role) {
  nats_url url;
  if (stopped_ || !parse_nats_url(url_text, url)) return std::nullopt;
  const std::string key = url.host_port();
  if (dialing_.count(key) != 0) return std::nullopt;
  if (peer_connected(key)) {
    log_.debugf("Not attempting reconnect for solicited route, already connected");
    return std::nullopt;
  }
  dialing_.insert(key);
  role.solicited = true;
  role.url = url_text;
  if (!url.user.empty()) {
    role.user = url.user;
    role.pass = url.pass;
  }
  log_.debugf("Trying to connect to route on " + key);
  return dial_order{url_text, std::move(role), duration::zero()};
}

void membership::add_dial(const std::string& url, route_role role, decisions& out) {
  if (auto order = solicit(url, std::move(role))) out.dials.push_back(std::move(*order));
}

// A route lost after it worked is redialled after a random pause (jitter), a learned one at
// once after it, as nats-server does; a failed dial waits a second.
dial_order membership::retry(const std::string& url, const route_role& role, bool after_loss) {
  duration delay = after_loss && !role.configured ? duration::zero() : retry_delay;
  if (after_loss)
    delay += std::chrono::milliseconds{static_cast<int64_t>(rng_.below(jitter_ms_max + 1))};
  return dial_order{url, role, delay};
}

decisions membership::dialed(const std::string& url_text, const route_role& role,
                             const std::string& error) {
  decisions out;
  const std::string key = host_port_of(url_text);
  dialing_.erase(key);
  if (error.empty()) {
    dial_failures_.erase(url_text);
    return out;
  }
  if (stopped_) return out;
  // Configured routes are retried every second forever; learned ones connect_retries times.
  const int32_t attempt = ++dial_failures_[url_text];
  const std::string line =
      "Error trying to connect to route (attempt " + std::to_string(attempt) + "): " + error;
  if (attempt == 1)
    log_.error(line);
  else
    log_.debugf(line);
  // A configured route removed by a config reload is not retried any more.
  const bool still_configured = role.configured && configured_.count(key) != 0;
  if (still_configured || (!role.configured && attempt <= connect_retries_))
    out.retries.push_back(retry(url_text, role, false));
  else
    dial_failures_.erase(url_text);
  return out;
}

// Whether a registered route already reaches the server behind `host_port`: a configured URL
// that led to a peer, or the URL a route was dialled on or its peer advertises.
bool membership::peer_connected(const std::string& host_port) const {
  const auto it = url_peer_.find(host_port);
  if (it != url_peer_.end() && routes_.count(it->second) != 0) return true;
  for (const auto& [id, r] : routes_)
    if ((r.role.solicited && same_endpoint(r.role.url, host_port)) ||
        same_endpoint(r.gossip_url, host_port))
      return true;
  return false;
}

// -- registration ---------------------------------------------------------------------------

bool membership::accept_cluster_name(const proto::route_info& peer) {
  if (peer.cluster == local_.cluster) return true;
  // Static names win; among generated names, the greatest wins (nats-server 2.9).
  if (cluster_dynamic_ && (!peer.cluster_dynamic || local_.cluster < peer.cluster)) {
    local_.cluster = peer.cluster;
    local_.cluster_dynamic = peer.cluster_dynamic;
    cluster_dynamic_ = peer.cluster_dynamic;
    log_.info("Cluster name updated to " + peer.cluster);
    return true;
  }
  // The peer's name was generated and loses to ours: it adopts ours when it reads our INFO,
  // so keep the connection (nats-server rejects it and lets the peer reconnect).
  return peer.cluster_dynamic;
}

// Two connections joined the same pair of servers. As in nats-server 2.9, the one registered
// first stays and the newcomer is refused. The peer decides on its own and, in a race, may
// keep the other one and close ours: so the survivor is marked to be redialled, and if the
// newcomer was ours to dial, the survivor inherits its URL (and whether it is configured).
// Deciding by any other rule (we once kept the route dialled by the smaller server id)
// disagrees with nats-server peers half of the time and drops both connections.
decisions membership::admit(uint64_t rid, const proto::route_info& peer, const route_role& role,
                            const std::string& remote_host) {
  decisions out;
  if (stopped_) {
    out.refusal = "Server Shutdown";
    return out;
  }
  if (!accept_cluster_name(peer)) {
    out.refusal = "Rejecting connection, cluster name \"" + peer.cluster + "\" does not match \"" +
                  local_.cluster + "\"";
    return out;
  }
  if (role.solicited && role.configured)
    if (const auto key = host_port_of(role.url); !key.empty()) url_peer_[key] = peer.server_id;
  if (auto existing = routes_.find(peer.server_id); existing != routes_.end()) {
    auto& kept = existing->second;
    kept.retry = true;
    if (role.solicited && !kept.role.solicited) kept.role = role;
    out.refusal = "Detected duplicate remote route";
    return out;
  }
  entry e;
  e.rid = rid;
  e.role = role;
  e.info = peer;
  e.gossip_url = !peer.ip.empty()
                     ? peer.ip
                     : "nats-route://" + remote_host + ":" + std::to_string(peer.port) + "/";
  out.accepted = true;
  const auto& added = routes_[peer.server_id] = std::move(e);
  gossip(added, out);
  update_connect_urls(out);
  return out;
}

// Every other route hears about the new peer; they connect to it, and the mesh closes.
void membership::gossip(const entry& added, decisions& out) const {
  proto::route_info about = added.info;
  about.ip = added.gossip_url;
  // The peer is in our cluster now, whatever name it came with: a nats-server receiving the
  // peer's old generated name would close our route as a Cluster Name Conflict.
  about.cluster = local_.cluster;
  about.cluster_dynamic = local_.cluster_dynamic;
  const std::string info = proto::encode_route_info(about);
  for (const auto& [id, r] : routes_)
    if (id != added.info.server_id) out.infos.push_back({r.rid, info});
}

// `connect_urls`: ours first, then each peer's; protocol-1 clients learn the cluster from it.
void membership::update_connect_urls(decisions& out, bool force) {
  std::vector<std::string> urls;
  if (!routes_.empty()) {
    // In lame duck mode clients are sent elsewhere: our own URLs are left out.
    if (!lame_duck_) urls = own_urls_;
    for (const auto& [id, r] : routes_)
      for (const auto& u : r.info.connect_urls)
        if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);
  }
  if (urls == connect_urls_ && !force) return;
  connect_urls_ = std::move(urls);
  out.connect_urls_changed = true;
}

decisions membership::learned(const proto::route_info& info) {
  decisions out;
  if (info.ldm) {
    // A peer entered lame duck mode: its clients must not be sent there any more.
    if (auto it = routes_.find(info.server_id); it != routes_.end()) {
      it->second.info.connect_urls.clear();
      update_connect_urls(out);
    }
    return out;
  }
  if (info.server_id == local_.server_id || routes_.count(info.server_id) != 0) return out;
  const auto key = host_port_of(info.ip);
  if (key.empty() || configured_.count(key) != 0) return out;  // configured: ours to dial anyway
  route_role role;
  // A gossiped URL carries no credentials: a peer that asks for them gets our own cluster
  // user and password, as nats-server does for implicit routes.
  if (info.auth_required) {
    role.user = user_;
    role.pass = password_;
  }
  add_dial(info.ip, role, out);
  return out;
}

// -- losing routes ---------------------------------------------------------------------------

decisions membership::closed(uint64_t rid, const std::string& peer_id, const route_role& role) {
  decisions out;
  auto it = routes_.find(peer_id);
  const bool was_registered = it != routes_.end() && it->second.rid == rid;
  route_role lost = role;
  std::string retry_url;  // an accepted route to redial (see admit)
  if (was_registered) {
    lost = it->second.role;
    if (it->second.retry && !lost.solicited) retry_url = it->second.gossip_url;
    routes_.erase(it);
    update_connect_urls(out);
  }
  if (stopped_) return out;
  if (peer_id == local_.server_id) {
    // A route to ourselves (our own cluster URL among the routes): as nats-server, that URL
    // is not dialled again.
    if (lost.solicited) configured_.erase(host_port_of(lost.url));
    return out;
  }
  // Reconnect what we solicited: configured routes always, learned ones connect_retries
  // times. A route refused as a duplicate is not redialled while its peer is connected.
  if (lost.solicited && (lost.configured || was_registered))
    out.retries.push_back(retry(lost.url, lost, true));
  else if (!retry_url.empty())
    out.retries.push_back(retry(retry_url, route_role{}, true));
  if (!was_registered) return out;
  // Configured routes that were covered by this connection try again.
  for (const auto& [url, peer] : url_peer_)
    if (peer == peer_id && !same_endpoint(lost.url, url))
      if (auto c = configured_.find(url); c != configured_.end()) {
        route_role r;
        r.configured = true;
        out.retries.push_back(retry(c->second, r, true));  // the URL with its credentials
      }
  return out;
}

// Gossip alone only fires when a route registers, so a route lost during a partition between
// two servers that both kept other routes would never be re-established (nats-server issue
// #2577; the simulator found this). Re-announcing closes the mesh again after any heal.
decisions membership::regossip() {
  decisions out;
  if (stopped_) return out;
  for (const auto& [id, e] : routes_)
    gossip(e, out);
  resolicit_configured(out);
  return out;
}

// Configured routes are retried forever, whatever happened to the connection that covered
// one (a peer that restarted under a new id, a route closed while its redial was refused).
// The retry chains keep them alive; this sweep catches one that no chain holds any more.
void membership::resolicit_configured(decisions& out) {
  for (const auto& [host_port, url] : configured_) {
    if (dialing_.count(host_port) != 0 || peer_connected(host_port)) continue;
    route_role role;
    role.configured = true;
    add_dial(url, role, out);
  }
}

// Routes removed from the config are no longer retried; an established one stays until it
// breaks, as with nats-server's implicit routes.
decisions membership::reload(const std::vector<std::string>& routes, int connect_retries) {
  decisions out;
  connect_retries_ = connect_retries;
  std::set<std::string> wanted;
  for (const auto& r : routes) {
    const auto key = host_port_of(r);
    if (key.empty()) continue;
    wanted.insert(key);
    if (configured_.count(key) != 0) continue;
    configured_[key] = r;
    route_role role;
    role.configured = true;
    add_dial(r, role, out);
  }
  for (auto it = configured_.begin(); it != configured_.end();)
    it = wanted.count(it->first) == 0 ? configured_.erase(it) : std::next(it);
  return out;
}

decisions membership::enter_lame_duck() {
  decisions out;
  lame_duck_ = true;
  proto::route_info ldm = local_;
  ldm.ldm = true;
  const std::string info = proto::encode_route_info(ldm);
  for (const auto& [id, r] : routes_)
    out.infos.push_back({r.rid, info});
  update_connect_urls(out, true);
  return out;
}

// -- what it knows ---------------------------------------------------------------------------

std::vector<member> membership::members() const {
  std::vector<member> all;
  for (const auto& [id, r] : routes_)
    all.push_back({r.rid, id, r.info, r.role});
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.rid < b.rid; });
  return all;
}

std::optional<member> membership::member_of(uint64_t rid) const {
  for (const auto& [id, r] : routes_)
    if (r.rid == rid) return member{r.rid, id, r.info, r.role};
  return std::nullopt;
}

}  // namespace gnatsd::cluster
