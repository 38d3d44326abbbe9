// start_server: binds the listeners, spawns the sublist and server actors and logs the
// startup lines of the clustering guide. The production program and the simulator both
// start servers here.
#include <caf/all.hpp>
#include <mutex>
#include <tuple>

#include "actors/interest_actor.hpp"
#include "actors/server.hpp"
#include "actors/server_state.hpp"
#include "actors/tls_settings.hpp"
#include "config/nats_url.hpp"
#include "routing/gateway_replies.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

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
      std::apply([&](auto&... e) { caf::anon_send(target_, Atom{}, std::move(early.first), e...); },
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

class route_acceptor final : public server_acceptor<route_accepted_atom> {
 public:
  void on_accept(net::connection_ptr conn) override { forward(std::move(conn)); }
};

class gateway_acceptor final : public server_acceptor<gateway_accepted_atom> {
 public:
  void on_accept(net::connection_ptr conn) override { forward(std::move(conn)); }
};

class leaf_acceptor final : public server_acceptor<leaf_accepted_atom> {
 public:
  void on_accept(net::connection_ptr conn) override { forward(std::move(conn)); }
};

// Binds the leafnode port and logs nats-server's lines; the URL leafnodes dial ("host:port").
bool listen_leafnodes(net::transport& transport, server_context& ctx, server_options& o,
                      std::shared_ptr<leaf_acceptor> acceptor, std::string& url,
                      std::string& error) {
  auto& l = o.leafnodes;
  const std::string host = l.host.empty() ? "0.0.0.0" : l.host;
  int bound = 0;
  if (!transport.listen(host, l.port == -1 ? 0 : l.port, leaf_tls(l.tls), std::move(acceptor),
                        bound, error)) {
    error = "Error listening on leafnode port: " + std::to_string(l.port) + " - " + error;
    return false;
  }
  l.port = bound;
  ctx.log->info("Listening for leafnode connections on " + join_host_port(host, bound));
  if (!l.advertise.empty()) {
    nats_url adv;
    if (!parse_nats_url("nats://" + l.advertise, adv) &&
        !parse_nats_url("nats://" + l.advertise + ":" + std::to_string(bound), adv)) {
      error = "Error setting leafnode INFO with LeafNode.Advertise value of " + l.advertise;
      return false;
    }
    url = adv.host_port();
    ctx.log->info("Advertise address for leafnode is set to " + url);
    return true;
  }
  std::string shown = host;
  if (host == "0.0.0.0" || host == "::") {
    const auto addresses = transport.interface_addresses();
    if (!addresses.empty()) shown = addresses.front();
  }
  url = join_host_port(shown, bound);
  return true;
}

// What other clusters are told about this server (nats-server's gateway INFO).
proto::gateway_info gateway_info(const server_context& ctx, const server_options& o,
                                 const std::string& url) {
  proto::gateway_info g;
  g.server_id = ctx.server_id;
  g.server_name = o.server_name;
  g.version = server_version;
  nats_url parsed;
  parse_nats_url("nats://" + url, parsed);
  g.host = parsed.host;
  g.port = parsed.port;
  g.headers = true;
  g.max_payload = o.max_payload;
  g.auth_required = !o.gateway.authorization.user.empty();
  g.tls_required = o.gateway.tls.enabled;
  g.gateway = o.gateway.name;
  g.gateway_url = url;
  g.gateway_urls = {url};
  g.gateway_nrp = true;
  g.gateway_iom = true;
  return g;
}

// Binds the gateway port and logs nats-server's lines; the URL other clusters dial.
bool listen_gateways(net::transport& transport, server_context& ctx, server_options& o,
                     std::shared_ptr<gateway_acceptor> acceptor, std::string& url,
                     std::string& error) {
  const std::string host = o.gateway.host.empty() ? "0.0.0.0" : o.gateway.host;
  int bound = 0;
  if (!transport.listen(host, o.gateway.port == -1 ? 0 : o.gateway.port, route_tls(o.gateway.tls),
                        std::move(acceptor), bound, error)) {
    error = "Error listening on gateway port: " + std::to_string(o.gateway.port) + " - " + error;
    return false;
  }
  o.gateway.port = bound;
  ctx.log->info("Gateway name is " + o.gateway.name);
  ctx.log->info("Listening for gateways connections on " + join_host_port(host, bound));
  if (!o.gateway.advertise.empty()) {
    nats_url adv;
    if (!parse_nats_url("nats://" + o.gateway.advertise, adv)) {
      error = "Error setting gateway INFO with Gateway.Advertise value of " + o.gateway.advertise;
      return false;
    }
    url = adv.host_port();
    ctx.log->info("Advertise address for gateway \"" + o.gateway.name + "\" is set to " + url);
    return true;
  }
  std::string shown = host;
  if (host == "0.0.0.0" || host == "::") {
    const auto addresses = transport.interface_addresses();
    if (!addresses.empty()) shown = addresses.front();
  }
  url = join_host_port(shown, bound);
  ctx.log->info("Address for gateway \"" + o.gateway.name + "\" is " + url);
  return true;
}

// The client port's listener greets a plain client with its INFO at once, from the
// transport's thread, as nats-server writes it before anything else: the client's round trip
// (INFO, then its CONNECT) overlaps with the server actor spawning the session, instead of
// waiting for it. The client id is taken here for the INFO; TLS clients are greeted by their
// session (the INFO goes out in clear right before the handshake the session sees).
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

// Our client URLs: the listen host, or every interface address for 0.0.0.0.
std::vector<std::string> client_urls(const server_options& o, net::transport& transport) {
  std::vector<std::string> urls;
  if (o.host == "0.0.0.0" || o.host == "::" || o.host.empty()) {
    for (const auto& a : transport.interface_addresses())
      urls.push_back(a + ":" + std::to_string(o.port));
  } else {
    urls.push_back(o.host + ":" + std::to_string(o.port));
  }
  return urls;
}

// What membership starts from: our route INFO, the configured routes and credentials.
cluster::membership::settings cluster_settings(const server_context& ctx, const server_options& o,
                                               std::vector<std::string> own_urls, prng& rng) {
  cluster::membership::settings s;
  auto& local = s.local;
  if (!o.cluster.no_advertise) local.connect_urls = own_urls;
  local.server_id = ctx.server_id;
  local.server_name = ctx.server_name;
  local.version = server_version;
  local.host = o.cluster.host.empty() ? "0.0.0.0" : o.cluster.host;
  local.port = o.cluster.port;
  local.max_payload = o.max_payload;
  local.auth_required = !o.cluster.authorization.user.empty();
  local.tls_required = o.cluster.tls.enabled;
  if (!o.cluster.advertise.empty()) local.ip = "nats-route://" + o.cluster.advertise + "/";
  s.cluster_dynamic = o.cluster.name.empty();
  local.cluster = s.cluster_dynamic ? generated_cluster_name(rng) : o.cluster.name;
  local.cluster_dynamic = s.cluster_dynamic;
  s.own_urls = std::move(own_urls);
  s.routes = o.cluster.routes;
  s.connect_retries = o.cluster.connect_retries;
  s.user = o.cluster.authorization.user;
  s.password = o.cluster.authorization.password;
  return s;
}

}  // namespace

bool start_server(caf::actor_system& sys, net::transport& transport, server_options options,
                  logger_ptr log, uint64_t seed, running_server& out, std::string& error,
                  monitor::machine_facts machine) {
  prng rng{seed};
  auto ctx = std::make_shared<server_context>();
  server_options o = std::move(options);     // in force (the context's) once the ports are bound
  ctx->server_id = generate_server_id(rng);  // before the options: reply prefixes derive from it
  prng nonce_rng{seed ^ 0x6e6f6e6365ull};  // a stream of its own: the other draws stay as they were
  for (auto& b : ctx->nonce_key)
    b = static_cast<uint8_t>(nonce_rng.below(256));
  // As nats-server: a gateway's cluster is named after it unless the cluster block names it.
  if (o.gateway.enabled() && o.cluster.name.empty()) o.cluster.name = o.gateway.name;
  ctx->set_options(o);
  if (o.gateway.enabled()) {
    // Before anything can subscribe or connect: the interest actor and every connection
    // read these.
    ctx->gateway_name = o.gateway.name;
    ctx->gateway_reply_prefix = gateway_reply::prefix_for(o.gateway.name, ctx->server_id);
    ctx->gateway_cluster_hash = gateway_reply::hash(o.gateway.name);
    ctx->gateway_server_hash = gateway_reply::hash(ctx->server_id);
  }
  ctx->leafnodes_enabled = o.leafnodes.port != 0 || !o.leafnodes.remotes.empty();
  // A leaf server needs a cluster name for its hubs (nats-server names it after the server).
  ctx->leaf_cluster = o.cluster.name;
  ctx->set_auth(o.authorization);
  ctx->set_tls(o.tls);
  ctx->set_cluster_tls(o.cluster.tls);
  ctx->set_limits(limits_of(o));
  ctx->log = std::move(log);
  ctx->server_name = o.server_name.empty() ? ctx->server_id : o.server_name;
  if (ctx->leaf_cluster.empty() && !o.leafnodes.remotes.empty())
    ctx->leaf_cluster = ctx->server_name;
  ctx->system_hash = server_hash(ctx->server_name);
  ctx->log->info("Starting gnatsd");
  ctx->log->info(std::string{"  Version:  "} + server_version);
  ctx->log->info("  ID:       " + ctx->server_id);
  if (!o.config_file.empty()) ctx->log->info("Using configuration file: " + o.config_file);

  auto interest = spawn_interest_actor(sys, ctx);
  // The accounts' internal subscriptions that routes must hear of (service responses).
  caf::anon_send(interest, interest_atom_v, ctx->accounts.take_interest_changes());
  auto clients = std::make_shared<client_acceptor>(ctx);
  auto routes = std::make_shared<route_acceptor>();
  auto fail = [&](const std::string& what) {
    error = what;
    caf::anon_send(interest, shutdown_atom_v);
    transport.stop_listening();
    return false;
  };
  int cluster_bound = 0;
  if (o.cluster.port != 0) {
    const std::string host = o.cluster.host.empty() ? "0.0.0.0" : o.cluster.host;
    if (!transport.listen(host, o.cluster.port, route_tls(o), routes, cluster_bound, error))
      return fail("Error listening on router port: " + host + ":" + std::to_string(o.cluster.port) +
                  ", " + error);
    o.cluster.port = cluster_bound;
    ctx->set_options(o);
    ctx->log->info("Listening for route connections on " + host + ":" +
                   std::to_string(cluster_bound));
  }
  auto gateways = std::make_shared<gateway_acceptor>();
  proto::gateway_info local_gateway;
  if (o.gateway.enabled()) {
    std::string url;
    if (!listen_gateways(transport, *ctx, o, gateways, url, error)) return fail(error);
    ctx->set_options(o);
    local_gateway = gateway_info(*ctx, o, url);
  }
  auto leafs = std::make_shared<leaf_acceptor>();
  std::string leaf_url;
  if (o.leafnodes.port != 0) {
    if (!listen_leafnodes(transport, *ctx, o, leafs, leaf_url, error)) return fail(error);
    ctx->set_options(o);
  }
  int bound = 0;
  if (!transport.listen(o.host, o.port, client_tls(o), clients, bound, error))
    return fail("Error listening on port: " + o.host + ":" + std::to_string(o.port) + ", " + error);
  o.port = bound;
  ctx->set_options(o);

  const uint64_t actor_seed = rng.next();  // drawn before the cluster name, as always
  server_args args{ctx,
                   interest,
                   &transport,
                   cluster_settings(*ctx, o, client_urls(o, transport), rng),
                   actor_seed,
                   std::move(machine),
                   std::move(local_gateway),
                   leaf_url};
  args.cluster.local.gateway_url = args.gateway.gateway_url;  // routes tell each other theirs
  args.leaf_url = leaf_url;
  if (!leaf_url.empty() && !o.leafnodes.no_advertise) args.cluster.local.leafnode_urls = {leaf_url};
  auto actor = spawn_server_actor(sys, std::move(args));
  clients->set_target(actor);
  routes->set_target(actor);
  gateways->set_target(actor);
  leafs->set_target(actor);
  ctx->log->info("Listening for client connections on " + o.host + ":" + std::to_string(bound));
  if (o.tls.enabled) ctx->log->info("TLS required for client connections");
  ctx->log->debugf("server id is " + ctx->server_id);
  ctx->log->info("server is ready");
  // Solicit the configured routes only now, so that their log lines follow "server is ready".
  for (const auto& r : o.cluster.routes) {
    route_role role;
    role.configured = true;
    caf::anon_send(actor, route_retry_atom_v, r, role);
  }
  out = running_server{actor, interest, ctx, bound, cluster_bound};
  return true;
}

}  // namespace gnatsd
