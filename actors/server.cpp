// The server actor: clients (accept, close, /connz history), the message handlers, shutdown
// and monitoring snapshots. Route plumbing is in server_routes.cpp, reload in
// server_reload.cpp, lame duck mode in lame_duck.cpp, start-up in server_start.cpp; the
// cluster decisions are cluster::membership's (src/cluster).
#include "actors/server.hpp"

#include <algorithm>
#include <caf/all.hpp>

#include "actors/client_session.hpp"
#include "actors/server_state.hpp"
#include "actors/system_service.hpp"

namespace gnatsd {
namespace {

constexpr size_t closed_connections_max = 10000;  // nats-server's max_closed_clients

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
  cfg.system = st.system;
  cfg.over_connection_limit =
      st.sessions.size() >= static_cast<size_t>(st.context->current_limits()->max_connections);
  cfg.stats = std::make_shared<connection_stats>();
  cfg.read_turn = st.context->current_options()->read_turn;
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  st.context->counters.total_connections.fetch_add(1, std::memory_order_relaxed);
  auto session = spawn_client_session(self->system(), std::move(cfg));
  self->link_to(session);  // a session dies with its server (see the exit handler)
  st.sessions.emplace(cid,
                      server_state::child<session_actor>{session, stats, remote.host, remote.port});
}

// Keeps the last closed connections for /connz?state=closed, as nats-server does.
void session_closed(server_pointer self, uint64_t cid, std::string& reason) {
  auto& st = self->state;
  if (auto it = st.sessions.find(cid); it != st.sessions.end()) {
    auto& e = it->second;
    e.stats->stop_steady_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(self->clock().now().time_since_epoch())
            .count();
    st.closed.push_back({cid, e.ip, e.port, e.stats, std::move(reason)});
    if (st.closed.size() > closed_connections_max) st.closed.pop_front();
    st.sessions.erase(it);
  }
  quit_when_empty(self);
}

// A session or route actor ended abnormally (it threw): forget it as if it had closed, so
// that its peer can reconnect. Only a bug gets here; the log line says so.
void child_failed(server_pointer self, const caf::actor_addr& who, const std::string& reason) {
  auto& st = self->state;
  st.context->log->error("connection actor failed: " + reason);
  for (auto it = st.sessions.begin(); it != st.sessions.end(); ++it)
    if (it->second.actor.address() == who) {
      st.sessions.erase(it);
      quit_when_empty(self);
      return;
    }
  for (const auto& [rid, entry] : st.route_actors) {
    if (entry.actor.address() != who) continue;
    const auto member = st.members->member_of(rid);
    route_closed(self, rid, member ? member->server_id : std::string{},
                 member ? member->role : route_role{});
    return;
  }
}

// The accounts as /accountz lists them: $G, the configured ones in config order, then the
// system account.
void add_accounts(const server_context& ctx, monitor::server_view& v) {
  std::vector<std::string> names{std::string{global_account}};
  for (const auto& a : v.options->accounts)
    names.push_back(a.name);
  v.system_account = v.options->system_account_name();
  if (!v.system_account.empty() &&
      std::find(names.begin(), names.end(), v.system_account) == names.end())
    names.push_back(v.system_account);
  for (const auto& name : names) {
    const auto acc = ctx.accounts.find(name);
    if (!acc) continue;
    monitor::account_view a;
    a.name = name;
    a.is_system = name == v.system_account;
    a.client_connections = acc->client_connections.load();
    a.total_connections = acc->total_connections.load();
    a.received_msgs = acc->received_msgs.load();
    a.received_bytes = acc->received_bytes.load();
    a.sent_msgs = acc->sent_msgs.load();
    a.sent_bytes = acc->sent_bytes.load();
    a.slow_consumers = acc->slow_consumers.load();
    a.subs = acc->subscriptions().stats();
    v.accounts.push_back(std::move(a));
  }
}

monitor::server_view snapshot(const server_state& st) {
  monitor::server_view v;
  const auto& ctx = *st.context;
  v.server_id = ctx.server_id;
  v.server_name = ctx.server_name;
  v.version = server_version;
  v.cluster_name = st.members->local().cluster;
  v.options = ctx.current_options();
  v.connect_urls = ctx.connect_urls();
  v.in_msgs = ctx.counters.in_msgs.load();
  v.in_bytes = ctx.counters.in_bytes.load();
  v.out_msgs = ctx.counters.out_msgs.load();
  v.out_bytes = ctx.counters.out_bytes.load();
  v.slow_consumers = ctx.counters.slow_consumers.load();
  v.total_connections = ctx.counters.total_connections.load();
  v.subs = ctx.accounts.subscription_stats();
  add_accounts(ctx, v);
  for (const auto& [cid, s] : st.sessions)
    v.connections.push_back({cid, s.ip, s.port, s.stats, {}});
  v.closed.assign(st.closed.begin(), st.closed.end());
  for (const auto& [lid, reg] : st.leafs) {
    const auto it = st.leaf_actors.find(lid);
    if (it == st.leaf_actors.end()) continue;
    v.leafs.push_back(
        {lid, reg.account, it->second.ip, it->second.port, reg.solicited, it->second.stats});
    for (auto& a : v.accounts)
      if (a.name == reg.account) ++a.leafnode_connections;
  }
  if (st.gateways) {
    v.gateway_url = st.gateway_info.gateway_url;
    for (const auto& [gid, g] : st.gateway_actors) {
      monitor::gateway_view gv{gid, {}, false, false, g.ip, g.port, {}, g.stats, nullptr};
      if (const auto out = st.outbound.find(gid); out != st.outbound.end()) {
        gv.cluster = out->second.name;
        gv.optimistic = out->second.optimistic;
        gv.outbound = true;
        const auto r = st.gateways->remotes().find(gv.cluster);
        gv.configured = r != st.gateways->remotes().end() && !r->second.implicit;
      } else if (const auto in = st.gateways->inbound().find(gid);
                 in != st.gateways->inbound().end()) {
        gv.cluster = in->second;
      } else {
        continue;  // not registered yet
      }
      {
        std::lock_guard<std::mutex> guard{g.stats->mutex};
        gv.remote_id = g.stats->name;
      }
      v.gateways.push_back(std::move(gv));
    }
    std::stable_sort(v.gateways.begin(), v.gateways.end(),
                     [](const auto& a, const auto& b) { return a.outbound && !b.outbound; });
  }
  for (const auto& m : st.members->members()) {  // by rid
    const auto it = st.route_actors.find(m.rid);
    if (it == st.route_actors.end()) continue;
    v.routes.push_back({m.rid, m.server_id, m.info.server_name, m.role.solicited, m.role.configured,
                        it->second.ip, it->second.port, it->second.stats});
  }
  return v;
}

// Sessions, routes and the interest actor are linked to the server so that nothing outlives
// it if it is killed (a crashed node in the simulator). The link is one-way in effect: a
// failed session or route must not take the server down, so their exits are only logged
// (their close path has already run or will be noticed by the connection); the sublist
// actor is the server's interest state, so losing it is fatal.
void watch_children(server_pointer self) {
  self->link_to(self->state.interest);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason) return;
    if (msg.source == self->state.interest.address() ||
        msg.source == self->state.system.address()) {
      self->quit(msg.reason);
      return;
    }
    child_failed(self, msg.source, to_string(msg.reason));
  });
}

server_actor::behavior_type server_behavior(server_pointer self, server_args args) {
  auto& st = self->state;
  st.context = std::move(args.context);
  st.interest = std::move(args.interest);
  st.transport = args.transport;
  st.rng = prng{args.seed};
  st.members.emplace(std::move(args.cluster), *st.context->log, st.rng.fork());
  if (!args.gateway.gateway.empty()) {
    st.gateway_info = args.gateway;
    st.gateways.emplace(st.context->current_options()->gateway, args.gateway.gateway_url,
                        *st.context->log, st.rng.fork());
    // nats-server waits a second before dialling, so that its cluster forms first.
    self->delayed_send(self, std::chrono::seconds{1}, solicit_gateways_atom_v);
  }
  st.leaf_url = args.leaf_url;
  // Leafnode remotes are dialled once the server is up (nats-server solicits them at start).
  solicit_leafnodes(self);
  st.machine = std::move(args.machine);
  if (st.machine) {
    const int64_t steady =
        std::chrono::duration_cast<std::chrono::nanoseconds>(self->clock().now().time_since_epoch())
            .count();
    st.context->wall_offset_ns = st.machine().now_ns - steady;
  }
  st.system_seed = args.seed ^ 0x73797374656dull;  // a stream of its own: other draws stay
  if (st.context->current_options()->cluster.port != 0 || st.gateways)
    self->delayed_send(self, regossip_interval, regossip_atom_v);
  watch_children(self);
  start_system_service(self);
  return {
      [=](accepted_atom, net::connection_ptr& conn, uint64_t cid) {
        accept_client(self, conn, cid);
      },
      [=](session_closed_atom, uint64_t cid, std::string& reason) {
        session_closed(self, cid, reason);
      },
      [=](route_accepted_atom, net::connection_ptr& conn) {
        if (self->state.shutting_down) {
          conn->close(false);
          return;
        }
        spawn_route_actor(self, std::move(conn), route_role{});
      },
      [=](route_dialed_atom, const std::string& url, const route_role& role,
          net::connection_ptr& conn,
          const std::string& error) { on_dialed(self, url, role, conn, error); },
      [=](route_retry_atom, const std::string& url, const route_role& role) {
        solicit(self, url, role);
      },
      [=](register_route_atom, uint64_t rid, route_actor& actor, const proto::route_info& peer,
          const route_role& role, const std::string& remote_host) {
        register_route(self, rid, actor, peer, role, remote_host);
      },
      [=](learned_route_atom, const proto::route_info& info) {
        carry_out(self, self->state.members->learned(info));
      },
      [=](route_closed_atom, uint64_t rid, const std::string& peer_id, const route_role& role) {
        route_closed(self, rid, peer_id, role);
      },
      [=](monitor_atom, const std::string& path, const std::string& query,
          const monitor::clock_view& clock, net::http_respond& respond) {
        const auto r = monitor::handle(path, query, snapshot(self->state), clock);
        respond(r.status, r.status == 200 && !r.html ? "application/json" : "text/html", r.body);
      },
      [=](sys_query_atom, const std::string& name, const std::string& query,
          const monitor::clock_view& clock, net::http_respond& respond) {
        const auto r = monitor::internal(name, query, snapshot(self->state), clock);
        respond(r.status, {}, r.body);
      },
      [=](regossip_atom) { regossip(self); },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.sessions.size()); },
      [=](shutdown_atom) { shutdown(self); },
      [=](lame_duck_atom) { enter_lame_duck(self, self->state.context->current_options()->port); },
      [=](ldm_close_atom) { close_next_lame_duck_client(self); },
      [=](reload_atom, const std::shared_ptr<const server_options>& fresh) {
        reload(self, *fresh);
      },
      [=](gateway_accepted_atom, net::connection_ptr& conn) {
        spawn_gateway_actor(self, std::move(conn), gateway_role{});
      },
      [=](solicit_gateways_atom) { solicit_gateways(self); },
      [=](gateway_dial_atom, const cluster::gateway_dial& d) { dial_gateway(self, d); },
      [=](gateway_dialed_atom, const cluster::gateway_dial& d, net::connection_ptr& conn,
          const std::string& error) { on_gateway_dialed(self, d, conn, error); },
      [=](register_gateway_atom, uint64_t gid, gateway_actor& actor,
          const proto::gateway_info& peer, bool outbound, const std::string& name,
          gateway_link& link) {
        register_gateway(self, gid, actor, peer, outbound, name, std::move(link));
      },
      [=](gateway_learned_atom, const proto::gateway_info& info) { gateway_learned(self, info); },
      [=](gateway_closed_atom, uint64_t gid, bool outbound, const std::string& name,
          bool no_redial) { gateway_closed(self, gid, outbound, name, no_redial); },
      [=](leaf_accepted_atom, net::connection_ptr& conn) {
        spawn_leaf_actor(self, std::move(conn), leaf_role{});
      },
      [=](leaf_dial_atom, const cluster::leaf_dial& d) { dial_leaf(self, d); },
      [=](leaf_dialed_atom, const cluster::leaf_dial& d, net::connection_ptr& conn,
          const std::string& error) { on_leaf_dialed(self, d, conn, error); },
      [=](register_leaf_atom, uint64_t lid, leaf_actor& actor, leaf_registration& reg) {
        register_leaf(self, lid, actor, reg);
      },
      [=](leaf_urls_atom, uint64_t remote, const std::vector<std::string>& urls) {
        leaf_urls_learned(self, static_cast<size_t>(remote), urls);
      },
      [=](leaf_closed_atom, uint64_t lid, bool solicited, uint64_t remote, int64_t extra_ns) {
        leaf_closed(self, lid, solicited, static_cast<size_t>(remote), duration{extra_ns});
      },
  };
}

}  // namespace

void announce_connect_urls(server_pointer self) {
  auto& st = self->state;
  st.context->set_connect_urls(st.members->connect_urls());
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, urls_atom_v);
}

namespace {

// During shutdown, routes, gateways and leafnodes close once every client session has: a
// session hands its last deliveries on as it closes, and a message whose publisher saw a
// PONG must still go out (nats-server flushes those from the route's buffer). A session
// answers shutdown at once, so this waits one message round, not for a peer.
void close_links_after_sessions(server_pointer self) {
  auto& st = self->state;
  if (!st.shutting_down || st.links_closed || !st.sessions.empty()) return;
  st.links_closed = true;
  for (auto& [rid, route] : st.route_actors)
    self->send(route.actor, shutdown_atom_v);
  for (auto& [gid, gateway] : st.gateway_actors)
    self->send(gateway.actor, shutdown_atom_v);
  for (auto& [lid, leaf] : st.leaf_actors)
    self->send(leaf.actor, shutdown_atom_v);
}

}  // namespace

void quit_when_empty(server_pointer self) {
  auto& st = self->state;
  close_links_after_sessions(self);
  if (!st.shutting_down || !st.sessions.empty() || !st.route_actors.empty() ||
      !st.gateway_actors.empty() || !st.leaf_actors.empty())
    return;
  self->send(st.interest, shutdown_atom_v);
  self->quit();
}

void start_system_service(server_pointer self) {
  auto& st = self->state;
  if (st.system || st.system_stopped || !st.context->accounts.system()) return;
  system_config cfg;
  cfg.context = st.context;
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  cfg.machine = st.machine;
  if (st.context->current_options()->cluster.port != 0) cfg.cluster = st.members->local().cluster;
  cfg.rng = prng{st.system_seed};
  st.system = spawn_system_service(self->system(), std::move(cfg));
  self->link_to(st.system);
}

// The system service publishes the SHUTDOWN event and leaves before the routes close, so
// the event still reaches the other servers.
void shutdown(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  if (st.system) {
    auto system = std::move(st.system);
    st.system = nullptr;
    st.system_stopped = true;
    self->unlink_from(system);
    self->request(system, std::chrono::seconds{1}, shutdown_atom_v)
        .then([self](bool) { shutdown(self); }, [self](caf::error&) { shutdown(self); });
    return;
  }
  st.shutting_down = true;
  st.members->stop();
  for (auto& [cid, session] : st.sessions)
    self->send(session.actor, shutdown_atom_v);
  quit_when_empty(self);
}

server_actor spawn_server_actor(caf::actor_system& sys, server_args args) {
  return sys.spawn(server_behavior, std::move(args));
}

}  // namespace gnatsd
