// What every connection of one server shares: options, identity, the accounts,
// counters and the logger.
//
// Sessions read it from their own actor turns, possibly on different threads, so everything
// mutable here is either internally synchronized (the accounts and their sublists) or atomic
// (counters). It is
// created by the server actor and outlives every session (held by shared_ptr).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "accounts/account_registry.hpp"
#include "config/options.hpp"
#include "connection/connection_limits.hpp"
#include "log/logger.hpp"
#include "proto/identity.hpp"
#include "proto/server_info.hpp"
#include "routing/optimistic_interest.hpp"
#include "sublist/sublist.hpp"

namespace gnatsd {

struct server_counters {
  std::atomic<uint64_t> in_msgs{0};
  std::atomic<uint64_t> in_bytes{0};
  std::atomic<uint64_t> out_msgs{0};
  std::atomic<uint64_t> out_bytes{0};
  std::atomic<uint64_t> slow_consumers{0};
  std::atomic<uint64_t> total_connections{0};
};

struct server_context {
  /// The options in force: as started, with the ports actually bound, then replaced as a
  /// whole by each config reload. A reload refuses to change what cannot change live (the
  /// ports, the cluster's name and credentials, lame duck timings: config/reload.hpp), so
  /// those keep their start values. Read from any thread.
  std::shared_ptr<const server_options> current_options() const {
    return std::atomic_load(&options_);
  }
  void set_options(server_options o) {
    accounts.configure(o, server_id);
    std::atomic_store(&options_, std::shared_ptr<const server_options>(
                                     std::make_shared<server_options>(std::move(o))));
    info_generation_.fetch_add(1, std::memory_order_release);
  }
  std::string server_id;
  std::string server_name;
  logger_ptr log;
  /// The accounts and their subject spaces (each account its own sublist); follows
  /// set_options.
  account_registry accounts;
  server_counters counters;
  /// Set by the server actor when it enters lame duck mode; read by sessions for their INFO.
  std::atomic<bool> lame_duck{false};

  /// The authorization in force: options.authorization at start, replaced as a whole by a
  /// config reload (sessions on other threads read it at CONNECT and on reload).
  std::shared_ptr<const authorization_options> current_auth() const {
    return std::atomic_load(&auth_);
  }
  void set_auth(authorization_options a) {
    nkeys_.store(a.has_nkeys(), std::memory_order_release);
    std::atomic_store(&auth_, std::shared_ptr<const authorization_options>(
                                  std::make_shared<authorization_options>(std::move(a))));
    info_generation_.fetch_add(1, std::memory_order_release);
  }
  /// The limits in force: the options' at start, replaced as a whole by a config reload.
  std::shared_ptr<const connection_limits> current_limits() const {
    return std::atomic_load(&limits_);
  }
  void set_limits(const connection_limits& l) {
    std::atomic_store(
        &limits_, std::shared_ptr<const connection_limits>(std::make_shared<connection_limits>(l)));
    info_generation_.fetch_add(1, std::memory_order_release);
  }
  /// The client TLS options in force: options.tls at start, replaced by a config reload (a
  /// connection's own TLS is fixed when it is accepted: see connection::secured).
  std::shared_ptr<const tls_options> current_tls() const { return std::atomic_load(&tls_); }
  void set_tls(const tls_options& t) {
    std::atomic_store(&tls_, std::shared_ptr<const tls_options>(std::make_shared<tls_options>(t)));
    info_generation_.fetch_add(1, std::memory_order_release);
  }
  /// The cluster's TLS options in force, likewise (route connections read `pinned_certs`).
  std::shared_ptr<const tls_options> current_cluster_tls() const {
    return std::atomic_load(&cluster_tls_);
  }
  void set_cluster_tls(const tls_options& t) {
    std::atomic_store(&cluster_tls_,
                      std::shared_ptr<const tls_options>(std::make_shared<tls_options>(t)));
  }
  /// nats-server's short hash of this server's name (accounts/service_latency.hpp), set at
  /// start.
  std::string system_hash;
  /// Wall clock less the actor clock, set at start (0 in simulation, where the actor clock
  /// is the only clock): a connection's start as a date.
  std::atomic<int64_t> wall_offset_ns{0};
  /// Where connections hand service latency measurements: the system service, while one
  /// runs (set and cleared by it; measurements without one are dropped).
  void set_latency_sink(std::shared_ptr<const latency_sink> sink) {
    std::atomic_store(&latency_sink_, std::move(sink));
  }
  void report_latency(latency_sample s) const {
    if (const auto sink = std::atomic_load(&latency_sink_)) (*sink)(std::move(s));
  }
  /// Called by the server actor once lame duck mode has closed every client and shut the
  /// server down; the program uses it to exit (empty in simulation).
  std::function<void()> exit_hook;
  std::atomic<uint64_t> next_subscription_id{1};

  /// The INFO sent to a new client, before its per-connection fields are filled in; `tls`:
  /// whether the client's connection runs TLS.
  proto::server_info client_info_template(bool tls) const;
  /// The `INFO {...} \r\n` line for client `cid` at `ip`: the server's part is encoded once
  /// and cached until what it says changes (connect_urls, limits, authorization, TLS, lame
  /// duck mode), so a new connection costs no JSON encoding.
  std::string client_info(uint64_t cid, const std::string& ip, bool tls) const;

  /// Client ids, taken by the listener as it accepts (it greets the client with its INFO at
  /// once, before any actor runs for it).
  std::atomic<uint64_t> next_cid{1};

  /// The secret nonces derive from (nkey::nonce_for), drawn from the server's seeded PRNG at
  /// start; and the nonce client `cid` is asked to sign.
  std::array<uint8_t, 32> nonce_key{};
  /// Whether a user logs in with an nkey (the authorization in force has one): clients then
  /// get a nonce. Kept by set_auth, so that accepting a client does not scan the users.
  bool nkeys_configured() const { return nkeys_.load(std::memory_order_acquire); }
  std::string nonce_for(uint64_t cid) const;

  // -- leafnodes (set at start, before any connection) -----------------------------------------
  /// Whether this server has a leafnode port or remotes: every connection then reports its
  /// interest changes to the interest actor, which tells each leafnode what it may see.
  bool leafnodes_enabled = false;
  /// The cluster name leafnodes hear (INFO, CONNECT): the cluster's, or for a server with
  /// remotes and no cluster its server name (nats-server names such a leaf's cluster so).
  std::string leaf_cluster;
  /// Whether other servers must hear of the interest routes' peers and other clusters have
  /// (for gateways or leafnodes).
  bool reports_remote_interest() const { return leafnodes_enabled || gateways_enabled(); }

  // -- gateways (set at start, before any connection) ------------------------------------------
  /// This cluster's gateway name; empty without a gateway.
  std::string gateway_name;
  /// "_GR_.<cluster hash>.<server hash>." (gateway_reply::prefix_for) and this server's hash.
  std::string gateway_reply_prefix;
  std::string gateway_cluster_hash;  // gateway_reply::hash(gateway_name)
  std::string gateway_server_hash;
  bool gateways_enabled() const { return !gateway_name.empty(); }
  /// Subscriptions of the last two seconds (routing/gateway_replies.hpp); kept only with a
  /// gateway.
  recent_subscriptions recent_subs;
  /// The outbound gateway connections (one per remote cluster), read by publishers: a
  /// snapshot replaced as a whole by the server actor.
  struct outbound_gateway {
    std::string name;
    std::string cluster_hash;  // gateway_reply::hash(name)
    std::shared_ptr<subscriber> sub;
    std::shared_ptr<optimistic_interest> optimistic;  // a peer in optimistic mode only
    subscription_ptr sentinel;                        // stands for it as a route target
  };
  using gateway_list = std::vector<outbound_gateway>;
  /// Whether some outbound gateway's peer is in optimistic mode (publishers then look).
  std::atomic<bool> optimistic_gateways{false};
  std::shared_ptr<const gateway_list> outbound_gateways() const {
    return std::atomic_load(&outbound_gateways_);
  }
  void set_outbound_gateways(gateway_list list) {
    std::atomic_store(&outbound_gateways_, std::shared_ptr<const gateway_list>(
                                               std::make_shared<gateway_list>(std::move(list))));
  }
  /// Routes by the gateway hash of their peer's server id: a routed reply that reaches this
  /// cluster at another server than its requester's is forwarded over this route.
  void set_route_by_hash(const std::string& hash, std::shared_ptr<subscriber> route);
  void remove_route_by_hash(const std::string& hash, const subscriber* route);
  std::shared_ptr<subscriber> route_by_hash(std::string_view hash) const;

  /// The client URLs of this server, then of every route peer (nats-server's
  /// `connect_urls`): written by the server actor, read by sessions for their INFO.
  void set_connect_urls(std::vector<std::string> urls);
  std::vector<std::string> connect_urls() const;

 private:
  std::shared_ptr<const latency_sink> latency_sink_;
  std::shared_ptr<const gateway_list> outbound_gateways_ = std::make_shared<gateway_list>();
  mutable std::mutex routes_by_hash_mutex_;
  std::map<std::string, std::shared_ptr<subscriber>, std::less<>> routes_by_hash_;
  std::atomic<bool> nkeys_{false};
  mutable std::mutex urls_mutex_;
  std::vector<std::string> connect_urls_;
  // The cached server part of the client INFO, per TLS or not; any setter above that
  // changes what the INFO says bumps the generation.
  std::atomic<uint64_t> info_generation_{1};
  struct cached_info {
    uint64_t generation = 0;
    bool ldm = false;
    std::string prefix;
  };
  mutable std::mutex info_mutex_;
  mutable cached_info info_cache_[2];
  std::shared_ptr<const server_options> options_ = std::make_shared<server_options>();
  std::shared_ptr<const authorization_options> auth_ = std::make_shared<authorization_options>();
  std::shared_ptr<const tls_options> tls_ = std::make_shared<tls_options>();
  std::shared_ptr<const tls_options> cluster_tls_ = std::make_shared<tls_options>();
  std::shared_ptr<const connection_limits> limits_ =
      std::make_shared<connection_limits>(limits_of(server_options{}));
};

using server_context_ptr = std::shared_ptr<server_context>;

/// Generates a server id in nats-server 2.x's shape: 'N' followed by 55 base32 characters.
class prng;
std::string generate_server_id(prng& rng);

}  // namespace gnatsd
