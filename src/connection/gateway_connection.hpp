// One gateway connection's protocol state and behaviour: the connection half of
// nats-server's gateway.go, free of actors and sockets.
//
// Gateway connections are one-way for messages. An outbound connection (this server dialled
// a remote cluster) sends RMSGs and hears the remote cluster's interest: RS+/RS- become
// subscriptions owned by this connection in the accounts' sublists, so publishers find it by
// matching, as they find routes. An inbound connection (a remote server dialled us) hears
// RMSGs, which reach this server's subscriptions and routes (never another gateway), and
// carries this cluster's interest to the remote side (sent by the interest actor).
//
// Decisions that need the whole server are handed up as effects: the registration (is
// this a duplicate outbound), clusters learned by gossip, URL updates.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connection/peer_link.hpp"
#include "monitor/connection_stats.hpp"
#include "proto/gateway_info.hpp"
#include "proto/route_parser.hpp"
#include "routing/interest_change.hpp"
#include "routing/message_router.hpp"
#include "routing/optimistic_interest.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

struct gateway_role {
  bool outbound = false;
  std::string name;       // outbound: the remote cluster dialled
  bool implicit = false;  // outbound: learned by gossip, not configured
  std::string url;        // outbound: the URL dialled (credentials are taken from it)
};

/// What publishers need of an outbound gateway: its subscriber, and for a peer in optimistic
/// mode what it said it does not want plus a subscription that stands for it.
struct gateway_link {
  std::shared_ptr<subscriber> sub;
  std::shared_ptr<optimistic_interest> optimistic;  // null: the peer is interest-only (2.9+)
  subscription_ptr sentinel;
};

class gateway_connection final : public proto::route_op_handler, public peer_link {
 public:
  gateway_connection(server_context_ptr ctx, uint64_t gid, std::string remote_host, int remote_port,
                     gateway_role role, std::shared_ptr<subscriber> self, prng rng);

  // -- events ----------------------------------------------------------------------------------

  /// Inbound: queues our INFO. Outbound: nothing until the peer's INFO.
  void start(const proto::gateway_info& local_info, bool tls = false);
  void receive(const char* data, size_t size);
  void set_now(duration now) {
    now_ = now;
    router_.set_now(now);
  }
  /// The server registered this connection (outbound: the one to its cluster).
  void registered();
  /// The server refused it (a second outbound to the same cluster): close, no redial.
  void refused(const std::string& why);
  /// The socket closed (`why`: the transport's words) or the server shuts down.
  void lost(const std::string& why) { close(why); }
  void tls_handshake_done(const std::string& error, const std::string& version,
                          const std::string& cipher);
  void auth_timer();
  /// Removes the remote cluster's interest from the sublists; once, when gone.
  void cleanup();

  // -- effects ---------------------------------------------------------------------------------

  void flush_deliveries() { router_.flush(); }
  /// The peer's INFO that makes this connection ready to register (once).
  std::optional<proto::gateway_info> take_registration();
  /// Outbound, with leafnodes: the remote cluster's interest added and removed.
  std::vector<interest_change> take_interest();
  /// Outbound: INFOs naming clusters (gossip) or new URLs of the peer's own cluster.
  std::vector<proto::gateway_info> take_learned();

  /// No redial after this close (refused as a duplicate, as nats-server's noReconnect).
  bool no_redial() const { return no_redial_; }
  bool awaiting_connect() const { return !role_.outbound && !connect_received_; }

  // -- properties ------------------------------------------------------------------------------

  uint64_t gid() const { return gid_; }
  const gateway_role& role() const { return role_; }
  const proto::gateway_info& peer() const { return peer_; }
  /// The remote cluster's name (outbound: the one dialled; inbound: from its CONNECT).
  const std::string& remote_name() const { return remote_name_; }
  bool is_registered() const { return registered_; }
  const std::string& remote_host() const { return remote_host_; }
  size_t remote_subscriptions() const { return remote_subs_.size(); }
  gateway_link link() const { return {self_, optimistic_, sentinel_}; }

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
  bool on_account_interest(std::string_view account, bool interested) override;

  bool first_outbound_info(const proto::gateway_info& info);
  void account_command(const proto::gateway_info& info);
  void routed_reply(const proto::routed_message& msg, account& acc);
  bool interest_on_inbound(const char* op);
  void authentication_failed();
  account* account_named(std::string_view name);
  void report(std::string_view account, const subscription& sub, int delta);

  uint64_t gid_;
  std::string remote_host_;
  gateway_role role_;
  std::string remote_name_;
  prng rng_;
  proto::route_parser parser_;
  message_router router_;

  proto::gateway_info local_info_;
  proto::gateway_info peer_;
  bool info_received_ = false;
  bool connect_received_ = false;
  bool registered_ = false;
  std::optional<proto::gateway_info> registration_;
  std::vector<proto::gateway_info> learned_;

  // Outbound: the remote cluster's interest, "<account> <subject> <queue>" -> the
  // subscription standing for it in that account's sublist.
  struct remote_interest {
    account_ptr acc;
    subscription_ptr sub;
  };
  std::map<std::string, remote_interest> remote_subs_;
  // Outbound to a peer in optimistic mode (no `gateway_iom` in its INFO).
  std::shared_ptr<optimistic_interest> optimistic_;
  subscription_ptr sentinel_;
  // Inbound: accounts we told the peer we do not have (A-), once each.
  std::set<std::string, std::less<>> refused_accounts_;
  account_ptr last_account_;

  bool no_redial_ = false;
  std::vector<interest_change> interest_;
};

}  // namespace gnatsd
