// One leafnode connection's protocol state and behaviour: the connection half of
// nats-server's leafnode.go, free of actors and sockets.
//
// A leafnode connection is bound to one account on each side and carries interest (LS+/LS-)
// and messages (LMSG/HMSG) both ways. The side that accepted it is the hub: it sends INFO
// with a nonce, authenticates the leaf's CONNECT (binding it to an account), answers with a
// second INFO naming that account and the leaf's permissions, and both sides then exchange
// their interest. The side that dialled (solicited) is the spoke; a remote configured with
// `hub: true` turns the roles round.
//
// The peer's interest becomes subscriptions owned by this connection in the account's
// sublist (publishers find it by matching); every change is also reported to the interest
// actor, which decides who else hears of it. Loops are detected with the `$LDS.` subject
// each side announces: a server that hears its own back closes the connection, and the
// soliciting side waits 30 s before it dials again.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "connection/peer_link.hpp"
#include "proto/leaf_info.hpp"
#include "proto/leaf_parser.hpp"
#include "routing/interest_change.hpp"
#include "routing/leaf_interest.hpp"
#include "routing/message_router.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

/// Which side of the connection we are and, when we dialled it, which remote.
struct leaf_role {
  bool solicited = false;
  size_t remote = 0;  // solicited: the index of the `remotes` entry
  std::string url;    // solicited: the URL dialled (credentials are taken from it)
  std::string creds;  // solicited: the remote's credentials file's text, if it has one
};

/// What the server needs to register a leafnode connection.
struct leaf_registration {
  uint64_t lid = 0;
  std::string account;
  std::string remote_server;   // the peer's server name (or id)
  std::string remote_cluster;  // the peer's cluster, may be empty
  bool solicited = false;
  bool spoke = false;
  std::vector<std::string> leafnode_urls;  // solicited: the hub cluster's leafnode URLs
  leaf_audience audience;                  // what the interest actor tells it
};

class leaf_connection final : public proto::leaf_op_handler, public peer_link {
 public:
  leaf_connection(server_context_ptr ctx, uint64_t lid, std::string remote_host, int remote_port,
                  leaf_role role, std::shared_ptr<subscriber> self, prng rng);

  // -- events ----------------------------------------------------------------------------------

  /// Accepted: queues our INFO (`leafnode_urls`: the hub cluster's). Solicited: nothing
  /// until the hub's INFO.
  void start(const std::vector<std::string>& leafnode_urls, bool tls = false);
  void receive(const char* data, size_t size);
  void set_now(duration now) {
    now_ = now;
    router_.set_now(now);
  }
  /// The server registered the connection (a duplicate was evicted if there was one).
  void registered();
  /// The server refused it: close with `why`.
  void refused(const std::string& why);
  void lost(const std::string& why) { close(why); }
  void tls_handshake_done(const std::string& error, const std::string& version,
                          const std::string& cipher);
  /// Accepted: the leaf has not sent its CONNECT in time. Solicited: the hub's INFO (or the
  /// one answering our CONNECT) did not come.
  void auth_timer();
  /// Removes the peer's interest from the sublist and reports it gone; once, when closed.
  void cleanup();

  // -- effects ---------------------------------------------------------------------------------

  void flush_deliveries() { router_.flush(); }
  std::optional<leaf_registration> take_registration();
  /// The peer's interest added and removed (for the interest actor).
  std::vector<interest_change> take_interest();
  /// Solicited: new leafnode URLs of the hub's cluster (from an INFO).
  std::optional<std::vector<std::string>> take_urls();
  /// Solicited: how long to wait before dialling this remote again after this close (a loop,
  /// a permission violation or the same cluster name: 30 s); zero for the usual interval.
  duration reconnect_delay() const { return reconnect_delay_; }
  bool awaiting_connect() const { return !role_.solicited && !connected_; }

  // -- properties ------------------------------------------------------------------------------

  uint64_t lid() const { return lid_; }
  const leaf_role& role() const { return role_; }
  bool is_registered() const { return registered_; }
  const std::string& account_name() const { return account_name_; }
  const std::string& remote_server() const { return remote_server_; }
  const std::string& remote_cluster() const { return remote_cluster_; }
  bool spoke() const { return spoke_; }
  size_t remote_subscriptions() const { return remote_subs_.size(); }
  const std::string& remote_host() const { return remote_host_; }

 private:
  bool on_info(std::string_view json) override;
  bool on_connect(std::string_view json) override;
  bool on_ping() override;
  bool on_pong() override;
  bool on_err(std::string_view text) override;
  bool on_leaf_sub(std::string_view subject, std::string_view queue, int32_t weight) override;
  bool on_leaf_unsub(std::string_view key) override;
  bool on_leaf_message(const proto::routed_message& msg) override;

  // -- the handshake (connection/leaf_handshake.cpp) -------------------------------------------
  bool first_info(const proto::leaf_info& info);
  void send_connect();
  void finish_solicited(const proto::leaf_info& info);
  bool authorize(const proto::leaf_connect& c);
  bool bind(const std::string& account, const permission_set* login);
  void apply_permissions(subject_rules send, subject_rules announce);
  void register_now(std::vector<std::string> urls);
  void loop_detected(bool tell_peer);
  void fail(const std::string& err, const std::string& log, const std::string& reason);

  void report(const subscription& sub, int delta);
  /// The handshake is done: the account is bound and the permissions are known.
  bool ready() const { return connected_ && account_ && filter_; }
  std::string trace_line(const proto::routed_message& msg) const;

  uint64_t lid_;
  std::string remote_host_;
  leaf_role role_;
  prng rng_;
  proto::leaf_parser parser_;
  message_router router_;
  proto::leaf_info local_info_;

  bool info_received_ = false;
  bool connected_ = false;  // accepted: CONNECT authorized; solicited: CONNECT sent
  bool registered_ = false;
  bool spoke_ = false;
  std::string account_name_;
  account_ptr account_;
  std::string loop_subject_;
  std::string remote_server_, remote_cluster_;
  std::string nonce_;
  std::shared_ptr<leaf_peer> peer_ = std::make_shared<leaf_peer>();
  std::shared_ptr<const permission_checker> filter_;  // publish: send; subscribe: announce
  // accepted: the leaf's user's permissions
  std::shared_ptr<const permission_set> peer_login_;
  std::optional<leaf_registration> registration_;
  std::optional<std::vector<std::string>> urls_;
  std::vector<interest_change> interest_;
  duration reconnect_delay_{};

  // The peer's interest: "<subject>[ <queue>]" -> its subscription in the account's sublist.
  std::map<std::string, subscription_ptr, std::less<>> remote_subs_;
};

}  // namespace gnatsd
