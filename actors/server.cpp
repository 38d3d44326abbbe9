#include "actors/server.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "actors/client_session.hpp"
#include "actors/route.hpp"
#include "actors/sublist_actor.hpp"
#include "actors/tls_settings.hpp"
#include "config/nats_url.hpp"
#include "util/prng.hpp"

namespace gnatsd {
namespace {

constexpr auto route_retry_delay = std::chrono::seconds{1};
constexpr int64_t reconnect_jitter_ms_max = 100;
constexpr size_t closed_connections_max = 10000;  // nats-server's max_closed_clients
// How often every route hears about every other registered route again. Gossip alone only
// fires when a route registers, so a route lost during a partition between two servers that
// both kept other routes would never be re-established (nats-server issue #2577); the
// simulator found this. Re-announcing closes the mesh again after any heal.
constexpr auto regossip_interval = std::chrono::seconds{5};

struct route_entry {
  uint64_t rid = 0;
  route_actor actor;
  route_role role;
  proto::route_info info;  // the peer's INFO
  std::string gossip_url;  // where others reach the peer's cluster port
  // A duplicate of this route was refused: if the peer kept the other connection and closes
  // this one, it is redialled whichever side dialled it (nats-server's `retry`).
  bool retry = false;
};

struct server_state {
  server_context_ptr context;
  net::transport* transport = nullptr;
  sublist_actor interest;
  prng rng;
  struct session_entry {
    session_actor actor;
    connection_stats_ptr stats;
    std::string ip;
    int port = 0;
  };
  std::map<uint64_t, session_entry> sessions;
  std::deque<monitor::connection_view> closed;  // the last closed connections, for /connz
  server_options shown_options;                 // what /varz shows: the options as last (re)loaded
  bool shutting_down = false;

  // -- cluster -------------------------------------------------------------------------------
  proto::route_info local_route;  // what we tell peers about ourselves
  bool cluster_dynamic = false;   // our cluster name was generated, not configured
  uint64_t next_rid = 1;
  struct route_actor_entry {
    route_actor actor;
    connection_stats_ptr stats;
    std::string ip;
    int port = 0;
  };
  std::map<uint64_t, route_actor_entry> route_actors;  // every live route actor, by rid
  std::map<std::string, route_entry> routes;           // registered routes, by peer server id
  std::set<std::string> dialing;                       // host:port being dialled
  std::map<std::string, std::string> configured;       // configured host:port -> its URL
  std::map<std::string, std::string> url_peer;         // configured host:port -> peer server id
  std::map<std::string, int32_t> dial_failures;        // URL -> failed dials in a row
  std::vector<std::string> own_urls;                   // this server's client URLs

  // -- lame duck mode ------------------------------------------------------------------------
  std::vector<uint64_t> ldm_clients;  // the clients to close, in order
  size_t ldm_next = 0;
  duration ldm_interval{};
};

using server_pointer = server_actor::stateful_pointer<server_state>;

// -- clients ------------------------------------------------------------------------------------

void accept_client(server_pointer self, net::connection_ptr& conn, uint64_t cid) {
  auto& st = self->state;
  if (st.shutting_down) {
    conn->close(false);
    return;
  }
  session_config cfg;
  cfg.context = st.context;
  cfg.greeted = !conn->secured();  // the listener sent a plain client its INFO (client_acceptor)
  cfg.connection = std::move(conn);
  cfg.cid = cid;
  cfg.rng = st.rng.fork();
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  cfg.over_connection_limit =
      st.sessions.size() >= static_cast<size_t>(st.context->current_limits()->max_connections);
  cfg.stats = std::make_shared<connection_stats>();
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  st.context->counters.total_connections.fetch_add(1, std::memory_order_relaxed);
  auto session = spawn_client_session(self->system(), std::move(cfg));
  self->link_to(session);  // a session dies with its server (see the exit handler)
  st.sessions.emplace(cid, server_state::session_entry{session, stats, remote.host, remote.port});
}

// -- routes: connecting ---------------------------------------------------------------------------

void spawn_route_actor(server_pointer self, net::connection_ptr conn, route_role role) {
  auto& st = self->state;
  route_config cfg;
  cfg.context = st.context;
  cfg.connection = std::move(conn);
  cfg.rid = st.next_rid++;
  cfg.role = std::move(role);
  cfg.local_info = st.local_route;
  cfg.rng = st.rng.fork();
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  const uint64_t rid = cfg.rid;
  cfg.stats = std::make_shared<connection_stats>();
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  auto route = spawn_route(self->system(), std::move(cfg));
  self->link_to(route);  // a route dies with its server (see the exit handler)
  st.route_actors.emplace(rid,
                          server_state::route_actor_entry{route, stats, remote.host, remote.port});
}

bool same_endpoint(const std::string& url_text, const std::string& host_port) {
  nats_url url;
  return parse_nats_url(url_text, url) && url.host_port() == host_port;
}

// Whether a registered route already reaches the server behind `host_port`: a configured URL
// that led to a peer, or the URL a route was dialled on or its peer advertises.
bool peer_connected(const server_state& st, const std::string& host_port) {
  const auto it = st.url_peer.find(host_port);
  if (it != st.url_peer.end() && st.routes.count(it->second) != 0) return true;
  for (const auto& [id, r] : st.routes)
    if ((r.role.solicited && same_endpoint(r.role.url, host_port)) ||
        same_endpoint(r.gossip_url, host_port))
      return true;
  return false;
}

void solicit(server_pointer self, const std::string& url_text, route_role role, int32_t attempt) {
  auto& st = self->state;
  nats_url url;
  if (st.shutting_down || !parse_nats_url(url_text, url)) return;
  const std::string key = url.host_port();
  if (st.dialing.count(key) != 0) return;
  if (peer_connected(st, key)) {
    st.context->log->debugf("Not attempting reconnect for solicited route, already connected");
    return;
  }
  st.dialing.insert(key);
  role.solicited = true;
  role.url = url_text;
  if (!url.user.empty()) {
    role.user = url.user;
    role.pass = url.pass;
  }
  st.context->log->debugf("Trying to connect to route on " + key);
  server_actor me{self};
  st.transport->dial(url.host, url.port, route_tls(*st.context->current_cluster_tls()),
                     [me, url_text, role, attempt](net::connection_ptr conn, std::string error) {
                       caf::anon_send(me, route_dialed_atom_v, url_text, role, std::move(conn),
                                      std::move(error));
                       (void)attempt;
                     });
}

void schedule_retry(server_pointer self, const std::string& url, const route_role& role,
                    int32_t attempt, bool jitter) {
  // A lost learned route is redialled after the jitter alone, as nats-server does.
  auto delay = jitter && !role.configured ? caf::timespan{0} : caf::timespan{route_retry_delay};
  if (jitter)
    delay += std::chrono::milliseconds{
        static_cast<int64_t>(self->state.rng.below(reconnect_jitter_ms_max + 1))};
  self->delayed_send(self, delay, route_retry_atom_v, url, role, attempt);
}

void on_dialed(server_pointer self, const std::string& url_text, route_role& role,
               net::connection_ptr& conn, const std::string& error) {
  auto& st = self->state;
  nats_url url;
  parse_nats_url(url_text, url);
  st.dialing.erase(url.host_port());
  if (conn) {
    st.dial_failures.erase(url_text);
    spawn_route_actor(self, std::move(conn), role);
    return;
  }
  if (st.shutting_down) return;
  // Configured routes are retried every second forever; learned ones connect_retries times.
  const int32_t attempt = ++st.dial_failures[url_text];
  const std::string line =
      "Error trying to connect to route (attempt " + std::to_string(attempt) + "): " + error;
  if (attempt == 1)
    st.context->log->error(line);
  else
    st.context->log->debugf(line);
  // A configured route removed by a config reload is not retried any more.
  const bool still_configured = role.configured && st.configured.count(url.host_port()) != 0;
  if (still_configured ||
      (!role.configured && attempt <= st.context->options.cluster.connect_retries)) {
    schedule_retry(self, url_text, role, attempt, false);
  } else {
    st.dial_failures.erase(url_text);
  }
}

// -- routes: registration and gossip
// ---------------------------------------------------------------

bool accept_cluster_name(server_pointer self, const proto::route_info& peer) {
  auto& st = self->state;
  if (peer.cluster == st.local_route.cluster) return true;
  // Static names win; among generated names, the greatest wins (nats-server 2.9).
  if (st.cluster_dynamic && (!peer.cluster_dynamic || st.local_route.cluster < peer.cluster)) {
    st.local_route.cluster = peer.cluster;
    st.local_route.cluster_dynamic = peer.cluster_dynamic;
    st.cluster_dynamic = peer.cluster_dynamic;
    st.context->log->info("Cluster name updated to " + peer.cluster);
    return true;
  }
  // The peer's name was generated and loses to ours: it adopts ours when it reads our INFO,
  // so keep the connection (nats-server rejects it and lets the peer reconnect).
  return peer.cluster_dynamic;
}

void gossip_new_route(server_pointer self, const route_entry& added) {
  // Tell every other route about the new peer; they connect to it, and the mesh closes.
  proto::route_info about = added.info;
  about.ip = added.gossip_url;
  // The peer is in our cluster now, whatever name it came with: a nats-server receiving the
  // peer's old generated name would close our route as a Cluster Name Conflict.
  about.cluster = self->state.local_route.cluster;
  about.cluster_dynamic = self->state.local_route.cluster_dynamic;
  const std::string info = proto::encode_route_info(about);
  for (auto& [id, r] : self->state.routes)
    if (id != added.info.server_id) self->send(r.actor, route_send_atom_v, info);
}

// Recomputes `connect_urls` (ours first, then each peer's) and, if it changed, tells every
// session so that protocol-1 clients learn the cluster's members.
void update_connect_urls(server_pointer self, bool force = false) {
  auto& st = self->state;
  std::vector<std::string> urls;
  if (!st.routes.empty()) {
    // In lame duck mode clients are sent elsewhere: our own URLs are left out.
    if (!st.context->lame_duck.load(std::memory_order_relaxed)) urls = st.own_urls;
    for (const auto& [id, r] : st.routes)
      for (const auto& u : r.info.connect_urls)
        if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);
  }
  if (urls == st.context->connect_urls() && !force) return;
  st.context->set_connect_urls(std::move(urls));
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, urls_atom_v);
}


// Configured routes are retried forever, whatever happened to the connection that covered
// one (a peer that restarted under a new id, a route closed while its redial was refused).
// The retry chains keep them alive; this sweep catches one that no chain holds any more.
void resolicit_configured(server_pointer self) {
  auto& st = self->state;
  for (const auto& [host_port, url] : st.configured) {
    if (st.dialing.count(host_port) != 0 || peer_connected(st, host_port)) continue;
    route_role role;
    role.configured = true;
    solicit(self, url, role, 0);
  }
}

void regossip(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  for (const auto& [id, entry] : st.routes)
    gossip_new_route(self, entry);
  resolicit_configured(self);
  self->delayed_send(self, regossip_interval, regossip_atom_v);
}

// Two connections joined the same pair of servers. As in nats-server 2.9, the one registered
// first stays and the newcomer is closed. The peer decides on its own and, in a race, may
// keep the other one and close ours: so the survivor is marked to be redialled, and if the
// newcomer was ours to dial, the survivor inherits its URL (and whether it is configured).
// Deciding by any other rule (we once kept the route dialled by the smaller server id)
// disagrees with nats-server peers half of the time and drops both connections.
void keep_first_route(route_entry& kept, const route_role& refused) {
  kept.retry = true;
  if (refused.solicited && !kept.role.solicited) kept.role = refused;
}

void register_route(server_pointer self, uint64_t rid, route_actor& actor, proto::route_info& peer,
                    route_role& role, const std::string& remote_host) {
  auto& st = self->state;
  if (st.shutting_down) {
    self->send(actor, refused_atom_v, std::string{"Server Shutdown"});
    return;
  }
  if (!accept_cluster_name(self, peer)) {
    self->send(actor, refused_atom_v,
               "Rejecting connection, cluster name \"" + peer.cluster + "\" does not match \"" +
                   st.local_route.cluster + "\"");
    return;
  }
  if (role.solicited && role.configured) {
    nats_url url;
    if (parse_nats_url(role.url, url)) st.url_peer[url.host_port()] = peer.server_id;
  }
  if (auto existing = st.routes.find(peer.server_id); existing != st.routes.end()) {
    keep_first_route(existing->second, role);
    self->send(actor, refused_atom_v, std::string{"Detected duplicate remote route"});
    return;
  }
  route_entry entry;
  entry.rid = rid;
  entry.actor = actor;
  entry.role = role;
  entry.info = peer;
  entry.gossip_url = !peer.ip.empty()
                         ? peer.ip
                         : "nats-route://" + remote_host + ":" + std::to_string(peer.port) + "/";
  self->send(actor, registered_atom_v);
  self->send(st.interest, add_route_atom_v, rid, actor);
  auto& added = st.routes[peer.server_id] = std::move(entry);
  gossip_new_route(self, added);
  update_connect_urls(self);
}

void learned_route(server_pointer self, const proto::route_info& info) {
  auto& st = self->state;
  if (info.ldm) {
    // A peer entered lame duck mode: its clients must not be sent there any more.
    if (auto it = st.routes.find(info.server_id); it != st.routes.end()) {
      it->second.info.connect_urls.clear();
      update_connect_urls(self);
    }
    return;
  }
  if (info.server_id == st.context->server_id || st.routes.count(info.server_id) != 0) return;
  nats_url url;
  if (info.ip.empty() || !parse_nats_url(info.ip, url)) return;
  if (st.configured.count(url.host_port()) != 0) return;  // ours to dial anyway
  route_role role;
  role.configured = false;
  // A gossiped URL carries no credentials: a peer that asks for them gets our own cluster
  // user and password, as nats-server does for implicit routes.
  if (info.auth_required) {
    const auto& auth = st.context->options.cluster.authorization;
    role.user = auth.user;
    role.pass = auth.password;
  }
  solicit(self, info.ip, role, 0);
}

void route_closed(server_pointer self, uint64_t rid, const std::string& peer_id,
                  const route_role& role) {
  auto& st = self->state;
  st.route_actors.erase(rid);
  auto it = st.routes.find(peer_id);
  const bool was_registered = it != st.routes.end() && it->second.rid == rid;
  route_role lost = role;
  std::string retry_url;  // an accepted route to redial (see keep_first_route)
  if (was_registered) {
    lost = it->second.role;
    if (it->second.retry && !lost.solicited) retry_url = it->second.gossip_url;
    st.routes.erase(it);
    update_connect_urls(self);
  }
  if (st.shutting_down) {
    if (st.sessions.empty() && st.route_actors.empty()) {
      self->send(st.interest, shutdown_atom_v);
      self->quit();
    }
    return;
  }
  if (peer_id == st.context->server_id) {
    // A route to ourselves (our own cluster URL among the routes): as nats-server, that
    // URL is not dialled again.
    nats_url url;
    if (lost.solicited && parse_nats_url(lost.url, url)) st.configured.erase(url.host_port());
    return;
  }
  // Reconnect what we solicited: configured routes always, learned ones connect_retries
  // times. A route refused as a duplicate is not redialled while its peer is connected.
  if (lost.solicited && (lost.configured || was_registered))
    schedule_retry(self, lost.url, lost, 0, true);
  else if (!retry_url.empty())
    schedule_retry(self, retry_url, route_role{}, 0, true);
  if (was_registered) {
    // Configured routes that were covered by this connection try again.
    for (const auto& [url, peer] : st.url_peer)
      if (peer == peer_id && !same_endpoint(lost.url, url)) {
        route_role r;
        r.configured = true;
        if (auto c = st.configured.find(url); c != st.configured.end())
          schedule_retry(self, c->second, r, 0, true);  // the URL with its credentials
      }
  }
}

void shutdown(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  st.shutting_down = true;
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, shutdown_atom_v);
  for (auto& [rid, route] : st.route_actors)
    self->send(route.actor, shutdown_atom_v);
  if (st.sessions.empty() && st.route_actors.empty()) {
    self->send(st.interest, shutdown_atom_v);
    self->quit();
  }
}

// -- config reload -------------------------------------------------------------------------------
// What a reload can change live (the program has refused everything else before sending it):
// log levels, authorization (every session re-checks its client), and routes to solicit.
// Routes removed from the config are no longer retried; an established one stays until it
// breaks, as with nats-server's implicit routes.

// Logs each changed limit as nats-server does ("Reloaded: max_payload = 100").
void log_limit_changes(logger& log, const connection_limits& a, const connection_limits& b) {
  auto note = [&](const char* name, auto old_value, auto new_value, std::string text) {
    if (old_value != new_value) log.info(std::string{"Reloaded: "} + name + " = " + text);
  };
  note("max_payload", a.max_payload, b.max_payload, std::to_string(b.max_payload));
  note("max_control_line", a.max_control_line, b.max_control_line,
       std::to_string(b.max_control_line));
  note("max_pending", a.max_pending, b.max_pending, std::to_string(b.max_pending));
  note("max_subscriptions", a.max_subscriptions, b.max_subscriptions,
       std::to_string(b.max_subscriptions));
  note("max_connections", a.max_connections, b.max_connections, std::to_string(b.max_connections));
  note("ping_interval", a.ping_interval.count(), b.ping_interval.count(),
       format_go_duration(b.ping_interval));
  note("ping_max", a.ping_max, b.ping_max, std::to_string(b.ping_max));
  note("write_deadline", a.write_deadline.count(), b.write_deadline.count(),
       format_go_duration(b.write_deadline));
}

// A lower max_connections closes the newest clients over it, with nats-server's -ERR.
void enforce_connection_limit(server_pointer self, int max_connections) {
  auto& sessions = self->state.sessions;
  if (max_connections <= 0 || sessions.size() <= static_cast<size_t>(max_connections)) return;
  size_t excess = sessions.size() - static_cast<size_t>(max_connections);
  for (auto it = sessions.rbegin(); it != sessions.rend() && excess > 0; ++it, --excess)
    self->send(it->second.actor, over_limit_atom_v);
}

// TLS for the connections the client and route ports accept from now on, and for the routes
// we dial (rotated certificates, or TLS turned on or off); open connections keep theirs. Both
// listeners change or neither: false, with the reason logged, if a certificate does not load,
// and then nothing of the reload is applied.
bool reload_tls(server_pointer self, const server_options& fresh) {
  auto& st = self->state;
  auto& ctx = *st.context;
  const bool client_changed = !(fresh.tls == *ctx.current_tls());
  const bool cluster_changed = !(fresh.cluster.tls == *ctx.current_cluster_tls());
  std::vector<std::pair<int, net::tls_settings>> listeners;
  if (client_changed) listeners.emplace_back(st.shown_options.port, client_tls(fresh));
  if (cluster_changed && st.shown_options.cluster.port > 0)
    listeners.emplace_back(st.shown_options.cluster.port, route_tls(fresh));
  std::string error;
  if (!listeners.empty() && !st.transport->set_listener_tls(listeners, error)) {
    ctx.log->error("Failed to reload server configuration: " + error);
    return false;
  }
  if (client_changed) {
    ctx.set_tls(fresh.tls);
    ctx.log->info(std::string{"Reloaded: tls = "} + (fresh.tls.enabled ? "enabled" : "disabled"));
  }
  if (cluster_changed) {
    ctx.set_cluster_tls(fresh.cluster.tls);
    st.local_route.tls_required = fresh.cluster.tls.enabled;
    ctx.log->info("Reloaded: cluster");
  }
  return true;
}

void reload(server_pointer self, const server_options& fresh) {
  auto& st = self->state;
  if (st.shutting_down || !reload_tls(self, fresh)) return;
  auto& ctx = *st.context;
  ctx.log->debug = fresh.debug;
  ctx.log->trace = fresh.trace;
  ctx.set_auth(fresh.authorization);
  const auto limits = limits_of(fresh);
  log_limit_changes(*ctx.log, *ctx.current_limits(), limits);
  ctx.set_limits(limits);
  // /varz shows the reloaded options with the ports actually bound ("-p -1" picked one).
  const server_options bound = st.shown_options;
  st.shown_options = fresh;
  st.shown_options.port = bound.port;
  st.shown_options.cluster.port = bound.cluster.port;
  st.shown_options.http_port = bound.http_port;
  st.shown_options.https_port = bound.https_port;
  enforce_connection_limit(self, limits.max_connections);
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, reload_atom_v);
  for (auto& [rid, route] : st.route_actors)
    self->send(route.actor, reload_atom_v);
  std::set<std::string> wanted;
  for (const auto& r : fresh.cluster.routes) {
    nats_url url;
    if (!parse_nats_url(r, url)) continue;
    wanted.insert(url.host_port());
    if (st.configured.count(url.host_port()) != 0) continue;
    st.configured[url.host_port()] = r;
    route_role role;
    role.configured = true;
    solicit(self, r, role, 0);
  }
  for (auto it = st.configured.begin(); it != st.configured.end();)
    it = wanted.count(it->first) == 0 ? st.configured.erase(it) : std::next(it);
  ctx.log->info("Reloaded server configuration");
}

// -- lame duck mode ------------------------------------------------------------------------------
// As nats-server 2.9: stop accepting clients, tell routes and clients (INFO with "ldm" and
// connect_urls without us), wait lame_duck_grace_period, then close the clients one by one,
// spread over the rest of lame_duck_duration (at most 1 s apart), and shut down.

void finish_lame_duck(server_pointer self) {
  shutdown(self);
  if (self->state.context->exit_hook) self->state.context->exit_hook();
}

void enter_lame_duck(server_pointer self, int client_port) {
  auto& st = self->state;
  // The context's flag is the one state: sessions read it for their INFO, we for our URLs.
  if (st.shutting_down || st.context->lame_duck.exchange(true)) return;
  st.context->log->info("Entering lame duck mode, stop accepting new clients");
  st.transport->stop_listening(client_port);
  if (st.sessions.empty()) {
    finish_lame_duck(self);
    return;
  }
  proto::route_info ldm = st.local_route;
  ldm.ldm = true;
  const std::string info = proto::encode_route_info(ldm);
  for (auto& [id, r] : st.routes)
    self->send(r.actor, route_send_atom_v, info);
  update_connect_urls(self, true);
  for (const auto& [cid, s] : st.sessions)
    st.ldm_clients.push_back(cid);
  const auto& o = st.context->options;
  duration spread = o.lame_duck_duration - o.lame_duck_grace_period;
  if (spread <= duration::zero()) spread = std::chrono::seconds{1};
  st.ldm_interval = std::clamp<duration>(spread / static_cast<int64_t>(st.ldm_clients.size()),
                                         duration{1}, std::chrono::seconds{1});
  self->delayed_send(self, o.lame_duck_grace_period, ldm_close_atom_v);
}

void close_next_lame_duck_client(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  if (st.ldm_next == 0) st.context->log->info("Closing existing clients");
  while (st.ldm_next < st.ldm_clients.size()) {
    auto it = st.sessions.find(st.ldm_clients[st.ldm_next++]);
    if (it == st.sessions.end()) continue;  // gone by itself meanwhile
    self->send(it->second.actor, shutdown_atom_v);
    break;
  }
  if (st.ldm_next >= st.ldm_clients.size()) {
    finish_lame_duck(self);
    return;
  }
  // A random pause of at least half the interval, as nats-server picks it.
  const int64_t si = st.ldm_interval.count();
  const int64_t pause =
      si / 2 + static_cast<int64_t>(st.rng.below(static_cast<uint64_t>(si - si / 2)));
  self->delayed_send(self, duration{pause}, ldm_close_atom_v);
}

// A session or route actor ended abnormally (it threw): forget it as if it had closed, so
// that its peer can reconnect. Only a bug gets here; the log line says so.
void child_failed(server_pointer self, const caf::actor_addr& who, const std::string& reason) {
  auto& st = self->state;
  st.context->log->error("connection actor failed: " + reason);
  for (auto it = st.sessions.begin(); it != st.sessions.end(); ++it)
    if (it->second.actor.address() == who) {
      st.sessions.erase(it);
      return;
    }
  for (const auto& [rid, entry] : st.route_actors) {
    if (entry.actor.address() != who) continue;
    std::string peer_id;
    route_role role;
    for (const auto& [id, r] : st.routes)
      if (r.rid == rid) {
        peer_id = id;
        role = r.role;
      }
    route_closed(self, rid, peer_id, role);
    return;
  }
}

monitor::server_view snapshot(const server_state& st) {
  monitor::server_view v;
  const auto& ctx = *st.context;
  v.server_id = ctx.server_id;
  v.server_name = ctx.server_name;
  v.version = server_version;
  v.cluster_name = st.local_route.cluster;
  v.options = &st.shown_options;
  v.connect_urls = ctx.connect_urls();
  v.in_msgs = ctx.counters.in_msgs.load();
  v.in_bytes = ctx.counters.in_bytes.load();
  v.out_msgs = ctx.counters.out_msgs.load();
  v.out_bytes = ctx.counters.out_bytes.load();
  v.slow_consumers = ctx.counters.slow_consumers.load();
  v.total_connections = ctx.counters.total_connections.load();
  v.subs = ctx.subscriptions.stats();
  for (const auto& [cid, s] : st.sessions)
    v.connections.push_back({cid, s.ip, s.port, s.stats, {}});
  v.closed.assign(st.closed.begin(), st.closed.end());
  for (const auto& [id, r] : st.routes) {
    const auto it = st.route_actors.find(r.rid);
    if (it == st.route_actors.end()) continue;
    v.routes.push_back({r.rid, id, r.info.server_name, r.role.solicited, r.role.configured,
                        it->second.ip, it->second.port, it->second.stats});
  }
  std::sort(v.routes.begin(), v.routes.end(),
            [](const auto& a, const auto& b) { return a.rid < b.rid; });
  return v;
}

struct server_args {
  std::vector<std::string> own_urls;
  server_context_ptr context;
  sublist_actor interest;
  net::transport* transport;
  proto::route_info local_route;
  bool cluster_dynamic;
  uint64_t seed;
};

server_actor::behavior_type server_behavior(server_pointer self, server_args args) {
  auto& st = self->state;
  st.context = std::move(args.context);
  st.shown_options = st.context->options;
  st.interest = std::move(args.interest);
  st.transport = args.transport;
  st.local_route = std::move(args.local_route);
  st.cluster_dynamic = args.cluster_dynamic;
  st.rng = prng{args.seed};
  st.own_urls = std::move(args.own_urls);
  for (const auto& r : st.context->options.cluster.routes) {
    nats_url url;
    if (parse_nats_url(r, url)) st.configured[url.host_port()] = r;
  }
  if (st.context->options.cluster.port != 0)
    self->delayed_send(self, regossip_interval, regossip_atom_v);
  // Sessions, routes and the sublist actor are linked to the server so that nothing outlives
  // it if it is killed (a crashed node in the simulator). The link is one-way in effect: a
  // failed session or route must not take the server down, so their exits are only logged
  // (their close path has already run or will be noticed by the connection); the sublist
  // actor is the server's interest state, so losing it is fatal.
  self->link_to(st.interest);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason) return;
    if (msg.source == self->state.interest.address()) {
      self->quit(msg.reason);
      return;
    }
    child_failed(self, msg.source, to_string(msg.reason));
  });
  return {
      [=](accepted_atom, net::connection_ptr& conn, uint64_t cid) {
        accept_client(self, conn, cid);
      },
      [=](session_closed_atom, uint64_t cid, std::string& reason) {
        auto& s = self->state;
        if (auto it = s.sessions.find(cid); it != s.sessions.end()) {
          // Keep the last closed connections for /connz?state=closed, as nats-server does.
          auto& e = it->second;
          e.stats->stop_steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        self->clock().now().time_since_epoch())
                                        .count();
          s.closed.push_back({cid, e.ip, e.port, e.stats, std::move(reason)});
          if (s.closed.size() > closed_connections_max) s.closed.pop_front();
        }
        s.sessions.erase(cid);
        if (s.shutting_down && s.sessions.empty() && s.route_actors.empty()) {
          self->send(s.interest, shutdown_atom_v);
          self->quit();
        }
      },
      [=](route_accepted_atom, net::connection_ptr& conn) {
        if (self->state.shutting_down) {
          conn->close(false);
          return;
        }
        spawn_route_actor(self, std::move(conn), route_role{});
      },
      [=](route_dialed_atom, const std::string& url, route_role& role, net::connection_ptr& conn,
          const std::string& error) { on_dialed(self, url, role, conn, error); },
      [=](route_retry_atom, const std::string& url, route_role& role, int32_t attempt) {
        solicit(self, url, role, attempt);
      },
      [=](register_route_atom, uint64_t rid, route_actor& actor, proto::route_info& peer,
          route_role& role, const std::string& remote_host) {
        register_route(self, rid, actor, peer, role, remote_host);
      },
      [=](learned_route_atom, const proto::route_info& info) { learned_route(self, info); },
      [=](route_closed_atom, uint64_t rid, const std::string& peer_id, const route_role& role) {
        route_closed(self, rid, peer_id, role);
      },
      [=](monitor_atom, const std::string& path, const std::string& query,
          const monitor::clock_view& clock, net::http_respond& respond) {
        const auto r = monitor::handle(path, query, snapshot(self->state), clock);
        respond(r.status, r.status == 200 && path != "/" ? "application/json" : "text/html",
                r.body);
      },
      [=](regossip_atom) { regossip(self); },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.sessions.size()); },
      [=](shutdown_atom) { shutdown(self); },
      [=](lame_duck_atom) { enter_lame_duck(self, self->state.context->options.port); },
      [=](ldm_close_atom) { close_next_lame_duck_client(self); },
      [=](reload_atom, const std::shared_ptr<const server_options>& fresh) {
        reload(self, *fresh);
      },
  };
}

// Forwards accepted connections to the server actor. The listener starts accepting before
// the actor exists (the actor's context needs the bound port), so connections accepted in
// between are held until the target is set.
template <class Atom, class... Extra>
class server_acceptor : public net::accept_handler {
 public:
  void set_target(server_actor target) {
    std::lock_guard<std::mutex> guard{mutex_};
    target_ = std::move(target);
    for (auto& early : early_)
      std::apply(
          [&](auto&... e) { caf::anon_send(target_, Atom{}, std::move(early.first), e...); },
          early.second);
    early_.clear();
  }

 protected:
  void forward(net::connection_ptr conn, Extra... extra) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (target_) {
      caf::anon_send(target_, Atom{}, std::move(conn), extra...);
    } else {
      early_.emplace_back(std::move(conn), std::tuple<Extra...>{extra...});
    }
  }

 private:
  std::mutex mutex_;
  server_actor target_;
  std::vector<std::pair<net::connection_ptr, std::tuple<Extra...>>> early_;
};

// The client port's listener greets a plain client with its INFO at once, from the
// transport's thread, as nats-server writes it before anything else: the client's round trip
// (INFO, then its CONNECT) overlaps with the server actor spawning the session, instead of
// waiting for it. The client id is taken here for the INFO; TLS clients are greeted by their
// session (the INFO goes out in clear right before the handshake the session sees).
class route_acceptor final : public server_acceptor<route_accepted_atom> {
 public:
  void on_accept(net::connection_ptr conn) override { forward(std::move(conn)); }
};

class client_acceptor final : public server_acceptor<accepted_atom, uint64_t> {
 public:
  explicit client_acceptor(server_context_ptr ctx) : ctx_(std::move(ctx)) {}
  void on_accept(net::connection_ptr conn) override {
    const uint64_t cid = ctx_->next_cid.fetch_add(1, std::memory_order_relaxed);
    if (!conn->secured()) {
      const std::string info = ctx_->client_info(cid, conn->remote().host, false);
      conn->greet({info.begin(), info.end()});
    }
    forward(std::move(conn), cid);
  }

 private:
  server_context_ptr ctx_;
};

std::string generated_cluster_name(prng& rng) {
  static constexpr char alphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string name;
  for (int i = 0; i < 22; ++i)
    name += alphabet[rng.below(62)];
  return name;
}

}  // namespace

bool start_server(caf::actor_system& sys, net::transport& transport, server_options options,
                  logger_ptr log, uint64_t seed, running_server& out, std::string& error) {
  prng rng{seed};
  auto ctx = std::make_shared<server_context>();
  ctx->options = std::move(options);
  ctx->set_auth(ctx->options.authorization);
  ctx->set_tls(ctx->options.tls);
  ctx->set_cluster_tls(ctx->options.cluster.tls);
  ctx->set_limits(limits_of(ctx->options));
  ctx->log = std::move(log);
  ctx->server_id = generate_server_id(rng);
  ctx->server_name = ctx->options.server_name.empty() ? ctx->server_id : ctx->options.server_name;
  auto& o = ctx->options;
  ctx->log->info("Starting gnatsd");
  ctx->log->info(std::string{"  Version:  "} + server_version);
  ctx->log->info("  ID:       " + ctx->server_id);
  if (!o.config_file.empty()) ctx->log->info("Using configuration file: " + o.config_file);

  auto interest = spawn_sublist_actor(sys, ctx);
  auto clients = std::make_shared<client_acceptor>(ctx);
  auto routes = std::make_shared<route_acceptor>();
  const bool clustered = o.cluster.port != 0;
  int cluster_bound = 0;
  auto fail = [&](const std::string& what) {
    error = what;
    caf::anon_send(interest, shutdown_atom_v);
    transport.stop_listening();
    return false;
  };
  if (clustered) {
    const std::string host = o.cluster.host.empty() ? "0.0.0.0" : o.cluster.host;
    if (!transport.listen(host, o.cluster.port, route_tls(o), routes, cluster_bound, error))
      return fail("Error listening on router port: " + host + ":" + std::to_string(o.cluster.port) +
                  ", " + error);
    o.cluster.port = cluster_bound;
    ctx->log->info("Listening for route connections on " + host + ":" +
                   std::to_string(cluster_bound));
  }
  int bound = 0;
  if (!transport.listen(o.host, o.port, client_tls(o), clients, bound, error))
    return fail("Error listening on port: " + o.host + ":" + std::to_string(o.port) + ", " + error);
  o.port = bound;

  server_args args{{}, ctx, interest, &transport, {}, false, rng.next()};
  // Our client URLs: the listen host, or every interface address for 0.0.0.0.
  if (o.host == "0.0.0.0" || o.host == "::" || o.host.empty()) {
    for (const auto& a : transport.interface_addresses())
      args.own_urls.push_back(a + ":" + std::to_string(bound));
  } else {
    args.own_urls.push_back(o.host + ":" + std::to_string(bound));
  }
  if (!o.cluster.no_advertise) args.local_route.connect_urls = args.own_urls;
  args.local_route.server_id = ctx->server_id;
  args.local_route.server_name = ctx->server_name;
  args.local_route.version = server_version;
  args.local_route.host = o.cluster.host.empty() ? "0.0.0.0" : o.cluster.host;
  args.local_route.port = cluster_bound;
  args.local_route.max_payload = o.max_payload;
  args.local_route.auth_required = !o.cluster.authorization.user.empty();
  args.local_route.tls_required = o.cluster.tls.enabled;
  if (!o.cluster.advertise.empty())
    args.local_route.ip = "nats-route://" + o.cluster.advertise + "/";
  args.cluster_dynamic = o.cluster.name.empty();
  args.local_route.cluster = args.cluster_dynamic ? generated_cluster_name(rng) : o.cluster.name;
  args.local_route.cluster_dynamic = args.cluster_dynamic;
  auto actor = sys.spawn(server_behavior, std::move(args));
  clients->set_target(actor);
  routes->set_target(actor);
  ctx->log->info("Listening for client connections on " + o.host + ":" + std::to_string(bound));
  if (o.tls.enabled) ctx->log->info("TLS required for client connections");
  ctx->log->debugf("server id is " + ctx->server_id);
  ctx->log->info("server is ready");
  // Solicit the configured routes only now, so that their log lines follow "server is ready".
  for (const auto& r : o.cluster.routes) {
    route_role role;
    role.configured = true;
    caf::anon_send(actor, route_retry_atom_v, r, role, int32_t{0});
  }
  out = running_server{actor, interest, ctx, bound, cluster_bound};
  return true;
}

}  // namespace gnatsd
