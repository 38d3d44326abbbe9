// Delivers published messages to the subscriptions that match them: the fan-out half of
// nats-server's processMsgResults, shared by client and route connections.
//
// Rules it enforces (nats-server's, docs/ARCHITECTURE.md "Clustering"):
// - From a client: every matching local subscription gets the message; each route with
//   matching plain interest, or chosen for a queue group, gets it exactly once, as one
//   RMSG carrying the queue groups chosen for it.
// - From a route (the one-hop rule): only local subscriptions, never another route; queue
//   groups only those named in the RMSG, each served by one local member.
// - Gateways (nats-server's gateway rules): a client's message goes to each remote cluster
//   with matching interest once, as one RMSG; a queue group with no member in this cluster
//   goes to one remote cluster that has members. A message from a gateway reaches local
//   subscriptions and routes (so the whole cluster), never another gateway. Routed replies
//   ("_GR_.", routing/gateway_replies.hpp) go straight back to their cluster.
// - Leafnodes (nats-server 2.9's rules): a leafnode receives what matches its interest from
//   clients, gateways, other leafnodes and, when we are its hub, from routes; never its own
//   messages, nor those that entered the cluster from its leafnode cluster. A message from
//   the hub we dialled does not go to routes. Queue groups prefer members in this cluster
//   (clients, then routes) and fall back to a leafnode member.
// - One member per queue group per message, picked at random weighted by queue weights
//   (a route's queue subscription stands for `weight` members on that server).
//
// Frames are appended to one batch per destination while a read buffer is processed;
// `flush` hands each destination its batch once. No allocation per message once the
// batches have grown to their working size.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accounts/account.hpp"
#include "proto/message_view.hpp"
#include "routing/gateway_replies.hpp"
#include "server/server_context.hpp"
#include "sublist/sublist.hpp"
#include "util/prng.hpp"

namespace gnatsd {

/// Where a message came from, and what the publisher's own subscriptions may receive.
struct message_origin {
  const subscriber* self = nullptr;  // the publishing connection (a client or a route)
  account* acc = nullptr;            // whose subject space it is published in
  bool from_route = false;
  /// From another cluster, over an inbound gateway: local subscriptions and routes only.
  bool from_gateway = false;
  /// From a leafnode connection: its traits (which side we are, its cluster).
  const leaf_peer* from_leaf = nullptr;
  /// The leafnode cluster the message entered this cluster from (a leafnode's cluster, or
  /// the origin an LMSG over a route names): it never goes back to a leafnode of it.
  std::string_view leaf_origin;
  /// From a route or gateway: the queue groups the sender chose for us (may be empty).
  const std::vector<std::string_view>* queues = nullptr;
  bool echo = true;                       // may the publisher's own subscriptions receive it
  std::vector<char>* self_out = nullptr;  // where frames for the publisher itself go
  /// A client publisher's live statistics (service imports tell the exporter who asked, and
  /// latency tracking measures it); null for routes and the system service.
  const connection_stats_ptr* stats = nullptr;
  bool remote() const { return from_route || from_gateway || from_leaf != nullptr; }
  /// From the hub we dialled as a leaf: nats-server keeps such messages off routes (each
  /// server of a leaf cluster gets its own copy from the hub).
  bool from_spoke() const { return from_leaf != nullptr && from_leaf->spoke; }
};

class message_router {
 public:
  message_router(server_context& ctx, prng& rng)
      : ctx_(ctx), max_pending_(ctx.current_limits()->max_pending), rng_(rng) {}
  /// The max_pending the stall mark derives from (changed by a config reload).
  void set_max_pending(int64_t max_pending) { max_pending_ = max_pending; }
  ~message_router();
  message_router(const message_router&) = delete;
  message_router& operator=(const message_router&) = delete;

  /// Delivers one message; returns how many subscriptions and routes received it.
  size_t route(const proto::message_view& m, const message_origin& origin);

  /// Passes a message on to one connection as an RMSG (a routed reply for another server of
  /// this cluster), in this read buffer's batches.
  void forward(const std::shared_ptr<subscriber>& to, std::string_view account,
               const proto::message_view& m);

  /// Own subscriptions whose auto-unsubscribe limit was used up by the last `route` call;
  /// the caller removes them (they belong to it).
  std::vector<subscription_ptr>& expired_own() { return expired_own_; }

  /// Hands each destination its batch of frames; call once per read buffer.
  void flush();

  /// The connection's clock (the actor clock's time) while it processes a read buffer:
  /// service replies expire by it.
  void set_now(duration now) { now_ = now; }

  /// Messages appended to `self_out` since the last call (for the publisher's counters).
  uint64_t take_self_deliveries();

  // -- producer stall (routing/producer_stall.hpp) ---------------------------------------------

  /// Whether the last `flush` left a client destination over the stall mark.
  bool stalled() const { return !stalled_.empty(); }
  /// How long to wait at most for the worst of them.
  duration stall_wait() const;
  /// Re-checks the stalled destinations; true (and forgotten) once all are under the mark.
  bool stall_cleared();
  /// Whether a stalled route is so far behind (route_hold_mark) that the wait may not time
  /// out: the producer then waits until it drains or closes.
  bool stall_holds() const;
  /// Whether a stalled destination has written anything since the stall began. One that has
  /// not is stuck, not slow: waiting for it only slows the producer's other subscribers, and
  /// the write deadline or max_pending will cut it.
  bool stall_progressing() const;

 private:
  struct pending_batch {
    std::shared_ptr<subscriber> target;
    delivery_batch batch;
  };
  struct route_target {
    const subscription_ptr* any_sub = nullptr;  // a subscription owned by that route
    std::vector<std::string_view> queues;       // queue groups chosen for it
  };

  struct account_cache;
  account_cache& cache_for(account& acc);
  const match_result_ptr& match(account& acc, std::string_view subject);
  void report_cache_use(account_cache& c, bool closing);
  std::vector<char>& batch_for(const subscription_ptr& sub);
  std::vector<char>& batch_for_owner(const std::shared_ptr<subscriber>& owner);
  bool deliver_local(const subscription_ptr& sub, const proto::message_view& m,
                     const message_origin& origin);
  bool deliver_to(const subscription_ptr& sub, const proto::message_view& m,
                  const message_origin& origin);
  // -- across accounts (routing/cross_account.cpp) ---------------------------------------------
  void cross_accounts(const subscription& internal, const proto::message_view& m,
                      const message_origin& origin);
  void forward_request(const service_import_rule& rule, const proto::message_view& m,
                       const message_origin& origin);
  void forward_response(account& exporter, const proto::message_view& m,
                        const message_origin& origin);
  std::optional<tracked_request> sample_request(const service_import_rule& rule,
                                                const proto::message_view& m,
                                                const message_origin& origin);
  void report_latency(const account& exporter, const tracked_request& t, std::string_view reply,
                      const message_origin& responder);
  route_target& target_for(const subscription_ptr& route_sub);
  /// Where a pick among the group's members starts, at random by `weight` (0: never first).
  size_t weighted_start(const queue_group& group, int32_t (*weight)(const subscription&));
  bool serve_group(const queue_group& group, const proto::message_view& m,
                   const message_origin& origin);
  // -- leafnodes (routing/leaf_routing.cpp) ----------------------------------------------------
  bool leaf_may_take(const subscription& sub, const proto::message_view& m,
                     const message_origin& origin) const;
  void append_for_target(const route_target& t, const proto::message_view& m,
                         const message_origin& origin, account& acc);
  void trace_out(const subscription& sub, const proto::message_view& m, bool hmsg);
  // -- gateways (routing/gateway_routing.cpp) --------------------------------------------------
  bool send_routed_reply(const proto::message_view& m, const message_origin& origin);
  std::string_view gateway_reply_for(const proto::message_view& m, const message_origin& origin);
  bool serve_group_remotely(const queue_group& group, const message_origin& origin);
  void trust_gateways(const account& acc, std::string_view subject);
  std::shared_ptr<const server_context::gateway_list> trusted_;  // held while routing

  server_context& ctx_;
  int64_t max_pending_;  // of this connection: the stall mark derives from it
  prng& rng_;

  // Per-connection match caches, one per account published in (a client has one; a route
  // one per account its peer sends in), each valid while its sublist's generation is
  // unchanged.
  struct account_cache {
    account_ptr acc;
    std::unordered_map<std::string, match_result_ptr> entries;
    uint64_t generation = ~0ull;
    const std::pair<const std::string, match_result_ptr>* last = nullptr;  // last entry used
    uint64_t hits = 0;  // reported to the sublist's statistics at each flush
    int64_t entries_delta = 0;
  };
  std::vector<account_cache> caches_;
  account_cache* current_cache_ = nullptr;  // the one used last
  std::string cache_key_;
  std::string mapped_subject_;  // a stream import's subject for the delivery being encoded
  std::string routed_reply_;    // a gateway-bound request's "_GR_." reply

  std::vector<pending_batch> batches_;
  std::unordered_map<const subscriber*, size_t> batch_index_;
  size_t batch_reserve_ = 256;

  std::vector<route_target> targets_;  // reused; the first `target_count_` are live
  size_t target_count_ = 0;
  std::vector<subscription_ptr> expired_own_;
  duration now_{};
  int crossing_depth_ = 0;  // imports followed for the message being routed
  struct stalled_destination {
    std::shared_ptr<subscriber> target;
    int64_t written_at_stall;  // subscriber::written when the stall began
  };
  std::vector<stalled_destination> stalled_;
  uint64_t self_deliveries_ = 0;
};

}  // namespace gnatsd
