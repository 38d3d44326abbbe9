// One route connection's protocol state and behaviour: the route half of nats-server's
// route.go (handshake, remote interest, routed messages, keepalive), free of actors and
// sockets.
//
// The route actor owns one of these. Decisions that need the whole server (is this peer a
// duplicate, does its cluster name fit, whom to gossip to) are handed up as effects: the
// first INFO becomes a registration request, INFOs about other servers become gossip.
// Remote interest (RS+/RS-) is inserted into the shared sublist as subscriptions owned by
// this route's subscriber, so publishers on this server find the route when they match.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/certificate_user.hpp"
#include "auth/permissions.hpp"
#include "cluster/route_role.hpp"
#include "connection/peer_link.hpp"
#include "monitor/connection_stats.hpp"
#include "proto/route_info.hpp"
#include "proto/route_parser.hpp"
#include "routing/interest_change.hpp"
#include "routing/message_router.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

class route_connection final : public proto::route_op_handler, public peer_link {
 public:
  route_connection(server_context_ptr ctx, uint64_t rid, std::string remote_host, int remote_port,
                   route_role role, std::shared_ptr<subscriber> self, prng rng);

  // -- events ----------------------------------------------------------------------------------

  /// Queues the opening: INFO when accepted; CONNECT then INFO when solicited. `tls`: the
  /// connection runs TLS (fixed when it was accepted or dialled, whatever a reload did since).
  void start(const proto::route_info& local_info, bool tls = false);
  void receive(const char* data, size_t size);
  /// The actor clock's time, set before each read buffer (service replies expire by it).
  void set_now(duration now) {
    now_ = now;
    router_.set_now(now);
  }
  /// The server registered this route: it is now the route to its peer.
  void registered();
  /// The server refused it (self, duplicate, cluster name): close with a log line.
  void refused(const std::string& why);
  /// The transport finished the TLS handshake; `error` is empty on success, otherwise the
  /// route closes (as it does when `peer`'s certificate is not among `pinned_certs`).
  void tls_handshake_done(const std::string& error, const std::string& version,
                          const std::string& cipher, const certificate_names& peer = {});
  /// The cluster's auth timeout passed: closes a peer that has not authenticated yet.
  void auth_timer();
  /// Removes the peer's interest from the sublist; call once when the connection is gone.
  void cleanup();

  // -- effects ---------------------------------------------------------------------------------

  void flush_deliveries() { router_.flush(); }
  /// The peer's first INFO, once: the server decides whether to register this route.
  std::optional<proto::route_info> take_registration();
  /// INFOs about other servers the peer told us of.
  std::vector<proto::route_info> take_gossip();
  /// With a gateway: the peer's interest added and removed, for the cluster-wide interest
  /// other clusters are told (routing/gateway_interest.hpp).
  std::vector<interest_change> take_cluster_interest();
  /// Clusters a peer has gateways to (gossip INFOs naming a gateway).
  std::vector<proto::route_info> take_gateway_gossip();

  /// Accepted with cluster authorization configured and no valid CONNECT yet: the peer is
  /// served nothing and may do nothing but CONNECT (nats-server's first-byte rule).
  bool awaiting_auth() const { return awaiting_auth_; }

  // -- properties ------------------------------------------------------------------------------

  uint64_t rid() const { return rid_; }
  const route_role& role() const { return role_; }
  const proto::route_info& peer() const { return peer_; }
  bool is_registered() const { return registered_; }
  const std::string& remote_host() const { return remote_host_; }
  size_t remote_subscriptions() const { return remote_subs_.size(); }

 private:
  bool on_info(std::string_view json) override;
  bool on_connect(std::string_view json) override;
  bool on_ping() override;
  bool on_pong() override;
  bool on_err(std::string_view text) override;
  bool on_remote_sub(std::string_view account, std::string_view subject, std::string_view queue,
                     int32_t weight) override;
  bool on_remote_unsub(std::string_view account, std::string_view subject,
                       std::string_view queue) override;
  bool on_routed_message(const proto::routed_message& msg) override;
  bool on_origin_sub(std::string_view origin, std::string_view account, std::string_view subject,
                     std::string_view queue, int32_t weight) override;
  bool add_remote_sub(std::string_view origin, std::string_view account, std::string_view subject,
                      std::string_view queue, int32_t weight);
  /// `moved`: the interest's leafnode origin changed (told even without a count change).
  void report_interest(std::string_view account, const subscription& sub, int delta,
                       bool moved = false);

  void authentication_failed();

  std::unique_ptr<permission_checker> export_filter_;  // cluster `permissions { export }`
  uint64_t rid_;
  std::string remote_host_;
  route_role role_;
  prng rng_;
  proto::route_parser parser_;
  message_router router_;

  proto::route_info peer_;
  bool info_received_ = false;
  bool connect_received_ = false;
  bool awaiting_auth_ = false;
  bool registered_ = false;
  std::optional<proto::route_info> registration_;
  std::vector<proto::route_info> gossip_;
  std::vector<interest_change> cluster_interest_;
  std::vector<proto::route_info> gateway_gossip_;
  std::string peer_hash_;  // gateway hash of the peer's server id, once registered

  // The peer's interest: "<account> <subject> <queue>" -> the subscription standing for it
  // here, in that account's sublist.
  struct remote_interest {
    account_ptr acc;
    subscription_ptr sub;
  };
  std::map<std::string, remote_interest> remote_subs_;
  /// The account `name`, or null if this server does not have it (looked up once per run of
  /// messages in the same account).
  account* account_named(std::string_view name);
  account_ptr last_account_;
  std::string unknown_account_;  // the last name looked up in vain, and when
  uint64_t unknown_generation_ = 0;
};

}  // namespace gnatsd
