// The remote clusters of a supercluster as one server sees them (nats-server's srvGateway):
// which clusters exist and where to reach them (configured, or learned by gossip), which of
// them this server has its one outbound connection to, which inbound connections it
// accepted, and when to dial. The decisions of gateway.go, free of actors and sockets; log
// lines that belong to a decision are written here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "log/logger.hpp"
#include "proto/gateway_info.hpp"
#include "util/prng.hpp"

namespace gnatsd::cluster {

/// Dial `url` of cluster `name`, now or after `delay`.
struct gateway_dial {
  std::string name;
  std::string url;  // "nats://host:port" (credentials kept if configured)
  bool implicit = false;
  int attempt = 1;
  size_t index = 0;  // which of the cluster's URLs, within this round
  duration delay{};
};

class gateway_registry {
 public:
  // nats-server's gatewayConnectDelay and gatewayReconnectDelay.
  static constexpr duration connect_delay = std::chrono::seconds{1};
  static constexpr duration reconnect_delay = std::chrono::seconds{1};

  gateway_registry(const gateway_options& options, std::string own_url, logger& log, prng rng);

  // -- events ----------------------------------------------------------------------------------

  /// The configured clusters to dial (after the start-up delay).
  std::vector<gateway_dial> solicit_configured();
  /// Logs the dial about to start (nats-server's "Connecting to ... gateway" line).
  void dialing(const gateway_dial& d) const;
  /// A dial ended in `error` (empty: connected): the next URL or round, or nothing (an
  /// implicit cluster given up).
  std::optional<gateway_dial> dial_ended(const gateway_dial& d, const std::string& error);
  /// A cluster heard of (gossip, a route, an inbound connection): a dial if it is new.
  std::optional<gateway_dial> learned(const std::string& name,
                                      const std::vector<std::string>& urls);
  /// Outbound to `name` completed its handshake: false if one is registered already.
  bool register_outbound(const std::string& name, uint64_t gid);
  void register_inbound(uint64_t gid, const std::string& name);
  /// A connection closed: for an outbound, the redial (unless `no_redial`).
  std::optional<gateway_dial> closed(uint64_t gid, bool outbound, const std::string& name,
                                     bool no_redial);
  /// Gateway URLs of this cluster's servers (ours first), from routes' INFOs.
  void set_cluster_urls(std::vector<std::string> urls) { cluster_urls_ = std::move(urls); }

  // -- views -----------------------------------------------------------------------------------

  /// Gossip INFOs for a new inbound from `name`: every other cluster we know, with URLs
  /// (`connected_only`: only those we have an outbound to, for the periodic re-gossip, so
  /// that a cluster gone for good is forgotten).
  std::vector<std::string> gossip_for(const std::string& name, const std::string& server_id,
                                      bool connected_only = false) const;
  /// INFO lines for our routes: each cluster we have an outbound to (sendGatewayConfigsToRoute).
  std::vector<std::string> route_gossip(const std::string& server_id,
                                        const std::string& server_name) const;
  std::string route_gossip_for(const std::string& name, const std::string& server_id,
                               const std::string& server_name) const;
  const std::vector<std::string>& cluster_urls() const { return cluster_urls_; }
  bool has_outbound(const std::string& name) const { return outbound_.count(name) != 0; }

  struct remote {
    std::vector<std::string> urls;             // "host:port"
    std::vector<std::string> configured_urls;  // as written in the config
    bool implicit = false;
    int attempts = 0;  // rounds of dials so far
  };
  const std::map<std::string, remote>& remotes() const { return remotes_; }
  const std::map<std::string, uint64_t>& outbound() const { return outbound_; }
  const std::map<uint64_t, std::string>& inbound() const { return inbound_; }

 private:
  std::optional<gateway_dial> next_round(const std::string& name, int attempt, bool implicit);
  std::string url_at(const remote& r, size_t i) const;
  bool has_inbound_from(const std::string& name) const;

  std::string name_;
  int connect_retries_ = 0;
  bool reject_unknown_ = false;
  logger& log_;
  prng rng_;
  std::vector<std::string> cluster_urls_;
  std::map<std::string, remote> remotes_;
  std::map<std::string, uint64_t> outbound_;  // by cluster name
  std::map<uint64_t, std::string> inbound_;   // gid -> cluster name
};

}  // namespace gnatsd::cluster
