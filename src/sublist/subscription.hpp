// A subscription and its owner, as stored in the sublist.
//
// Publishers on any thread read subscriptions through sublist match results, so the fields a
// publisher touches while delivering (closed flag, delivered count, auto-unsubscribe max) are
// atomics; everything else is immutable after insertion. This mirrors nats-server's
// `subscription` struct, whose delivery checks run under the destination client's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/tracked_replies.hpp"
#include "routing/gateway_replies.hpp"

namespace gnatsd {

class account;
class reply_permits;
class subject_mapping;
struct service_import_rule;

/// Bytes of encoded MSG/HMSG frames for one destination, produced while one read buffer of a
/// publisher was processed. Handed to the destination as a whole (one message per
/// destination per read buffer).
struct delivery_batch {
  std::vector<char> bytes;
  uint64_t messages = 0;
};

enum class subscriber_kind { client, route, gateway, leaf };

class permission_checker;

/// What publishers need to know of a leafnode connection they deliver to; fixed before any
/// of its subscriptions is visible.
struct leaf_peer {
  bool spoke = false;          // we dialled it (it is our hub); else we are its hub
  std::string remote_cluster;  // its cluster name: its own messages never go back to it
  /// Subjects we may send it (deny_exports, the hub's export rules, its login's subscribe
  /// permissions); null: all.
  std::shared_ptr<const permission_checker> send_filter;
  bool may_send(std::string_view subject) const;
};

/// The connection that owns subscriptions: a client session, a route (which owns its peer's
/// interest) or an outbound gateway (which owns the remote cluster's interest). The actor
/// layer implements `deliver` as one actor message per batch.
class subscriber {
 public:
  explicit subscriber(uint64_t cid, bool is_route = false)
      : cid_(cid), kind_(is_route ? subscriber_kind::route : subscriber_kind::client) {}
  subscriber(uint64_t cid, subscriber_kind kind) : cid_(cid), kind_(kind) {}
  virtual ~subscriber() = default;

  uint64_t cid() const { return cid_; }
  /// Route connections own the remote interest of their peer; messages to them are RMSGs
  /// and never come from another route (the one-hop rule).
  bool is_route() const { return kind_ == subscriber_kind::route; }
  /// An outbound gateway: messages to it are RMSGs to another cluster, only ever from this
  /// server's clients (never from a route or another gateway).
  bool is_gateway() const { return kind_ == subscriber_kind::gateway; }
  /// A leafnode connection: messages to it are LMSGs (nats-server's leafnode rules,
  /// routing/message_router.hpp).
  bool is_leaf() const { return kind_ == subscriber_kind::leaf; }
  /// Another server stands behind it (route, gateway or leafnode), not a client.
  bool is_remote() const { return kind_ != subscriber_kind::client; }
  /// A leafnode connection's traits (null for other kinds), set before its first
  /// subscription is inserted.
  std::shared_ptr<const leaf_peer> leaf;

  /// Hands a batch of frames to the owner for writing. Called from the publisher's thread.
  virtual void deliver(delivery_batch batch) = 0;

  /// Tells the owner that a publisher closed one of its subscriptions because its
  /// auto-unsubscribe limit was reached.
  virtual void subscription_expired(uint64_t subscription_id) = 0;

  /// The owner's log prefix ("host:port - cid:N - "), set before any subscription of it is
  /// visible to publishers; used for outbound traces.
  std::string log_prefix;

  /// Whether the owner negotiated message headers (HMSG); if not, headers are stripped.
  /// Atomic: publishers on other threads read it while encoding.
  std::atomic<bool> headers{false};

  /// Bytes the owner still has to write: batches on their way to it (producers add before
  /// handing one over, the owner subtracts on receipt) plus what waits in its socket's queue:
  /// bytes the owner handed to the socket less bytes the socket wrote. The transport counts
  /// `written` from its own thread as each write completes, with no message to the owner, so
  /// producers that stall in front of a slow reader (client or route, as nats-server's stall
  /// gate) see it drain at once.
  std::atomic<int64_t> in_transit{0};
  std::atomic<int64_t> handed{0};
  std::atomic<int64_t> written{0};
  /// Set when the owner closed: whatever it still had queued will never be written.
  std::atomic<bool> gone{false};

  /// allow_responses (auth/reply_permits.hpp): the reply subjects delivered to the owner,
  /// recorded by publishers while `tracks_replies` is set. The owner sets both (and replaces
  /// them on a reload); publishers check the flag first and load the pointer only then.
  std::atomic<bool> tracks_replies{false};
  std::shared_ptr<reply_permits> replies() const { return std::atomic_load(&replies_); }
  void set_replies(std::shared_ptr<reply_permits> r) {
    std::atomic_store(&replies_, std::move(r));
    tracks_replies.store(replies_ != nullptr, std::memory_order_release);
  }
  /// Tracked replies handed to the owner from routes (service latency, the responder's half).
  tracked_replies latency_replies;
  /// Routed replies ("_GR_.") handed to the owner from another cluster, by their plain form.
  routed_replies gateway_replies;

  int64_t backlog() const {
    if (gone.load(std::memory_order_relaxed)) return 0;
    return in_transit.load(std::memory_order_relaxed) + handed.load(std::memory_order_relaxed) -
           written.load(std::memory_order_relaxed);
  }

 private:
  uint64_t cid_;
  subscriber_kind kind_;
  std::shared_ptr<reply_permits> replies_;
};

struct subscription {
  std::string subject;
  std::string queue;  // empty for a plain subscription
  std::string sid;
  std::shared_ptr<subscriber> owner;
  uint64_t id = 0;  // unique within the server

  std::atomic<bool> closed{false};
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> max{0};  // 0: no auto-unsubscribe limit
  /// For a route's or leafnode's queue subscription: how many members the peer has in it.
  std::atomic<int32_t> weight{1};
  /// The leafnode cluster this interest comes from (a leafnode's, or a route's LS+); its
  /// owner's thread only (publishers never read it).
  std::string origin;
  /// Message subjects this (wildcard) subscription must not receive: its owner's subscribe
  /// permissions deny them (auth/permissions.hpp). Null for nearly all subscriptions.
  /// Publishers on other threads read it; a config reload may replace it.
  const std::vector<std::string>* deny_filter() const {
    return deny_filter_.load(std::memory_order_acquire);
  }
  /// Owner thread only. Earlier filters stay alive with the subscription, since a publisher
  /// may still be reading one (reloads are rare, so they are few).
  void set_deny_filter(std::shared_ptr<const std::vector<std::string>> filter) {
    deny_filter_.store(filter.get(), std::memory_order_release);
    if (filter) filters_kept_.push_back(std::move(filter));
  }

  // -- accounts (accounts/account.hpp) -------------------------------------------------------

  /// A stream import's shadow of an importer's subscription, in the exporter's sublist: its
  /// messages are delivered under the subject `deliver_as` maps them to. Null otherwise.
  std::shared_ptr<const subject_mapping> deliver_as;
  /// Internal subscriptions have no connection behind them: the message router carries what
  /// they match over to another account instead of delivering it. A service import's
  /// (`service_import`) takes requests to the exporter; a service export's response
  /// subscription (`responses_of`) takes responses back to the importer.
  bool internal = false;
  std::shared_ptr<const service_import_rule> service_import;
  account* responses_of = nullptr;
  /// The shadows of this (client) subscription, one per stream import it reaches; owner
  /// thread only.
  struct shadow {
    std::shared_ptr<account> exporter;
    std::shared_ptr<subscription> sub;
  };
  std::vector<shadow> shadows;

  /// Counts one delivery against the auto-unsubscribe limit. Returns false if the
  /// subscription is closed or its limit is used up; sets `last` when this delivery is the
  /// final one the limit allows.
  bool reserve_delivery(bool& last);

 private:
  std::atomic<const std::vector<std::string>*> deny_filter_{nullptr};
  std::vector<std::shared_ptr<const std::vector<std::string>>> filters_kept_;
};

using subscription_ptr = std::shared_ptr<subscription>;

}  // namespace gnatsd
