// The invariants of a simulated cluster (docs/SIMULATION.md), checked while a scenario
// runs (safety) and after its heal phase (liveness).
//
// Safety, on every read and every delivery:
//   - one hop: a route carries only messages published on the sending server (a message
//     that came from a route is never sent to another route), also in partial meshes;
//   - at most one RMSG per route connection per message; route streams always parse;
//   - no phantom delivery (the message was published, on the delivered subject, which the
//     subscription matches) and no duplicate (per client, subscription and message);
//   - isolation: a message reaches only clients of its publisher's account;
//   - per-publisher order per subscription;
//   - a queue group gets each message at most once;
//   - the client protocol: no delivery past an auto-unsubscribe limit; none to a no-echo
//     client of its own message; headers arrive intact as HMSG to clients that asked for
//     them and stripped (MSG) to the others; a request's reply reaches its requester at most
//     once; nothing published after a PONG confirmed an UNSUB arrives on that subscription;
//   - bounded outbound bytes: no connection of a server holds more for its peer than the
//     plan's outbound_bound (max_pending plus one read buffer of frames), so no server holds
//     more than that times its connections, whoever stops reading; bounded actor mailboxes
//     (both sampled).
// Leafnodes, on every read of a leafnode link:
//   - no loops: a leafnode link never brings a message back into the cluster it was
//     published in (so never to its origin server);
//   - a leaf sends its hub only messages its own clients published (each server of a leaf
//     cluster has its own link);
//   - at most one LMSG per leafnode connection per message.
// Liveness, after the heal phase (see cluster_scenario.cpp): full mesh with one route per
// live pair; every server's interest table holds exactly its live peers' local interest
// (queue weights included); every message published in the calm window reaches every
// matching subscription exactly once, and each queue group exactly once, on every server
// with a route to the publisher's server and on no other.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/message_id.hpp"
#include "sim/sim_network.hpp"
#include "sim/workload_client.hpp"

namespace gnatsd::sim {

class invariant_checker final : public network_observer, public delivery_sink {
 public:
  /// `server_of_host` maps a simulated host address to its server index (or -1).
  /// `outbound_bound`: the most bytes one connection of a server may hold for its peer.
  invariant_checker(sim_network& net, int cluster_port,
                    std::function<int(const std::string&)> server_of_host,
                    std::function<int64_t()> now, size_t outbound_bound);
  /// A supercluster: gateways listen on `port`; `cluster_of` names each server's cluster.
  void set_gateways(int port, std::vector<int> cluster_of) {
    gateway_port_ = port;
    cluster_of_ = std::move(cluster_of);
  }
  /// Leafnodes: hubs listen on `port`; `cluster_of` names each server's cluster (0: hub).
  void set_leafnodes(int port, std::vector<int> cluster_of) {
    leaf_port_ = port;
    cluster_of_ = std::move(cluster_of);
  }
  ~invariant_checker() override;

  /// A client is about to send this publication (`header`: its header section, if any).
  void published(const message_id& id, const std::string& subject, const std::string& header = {});
  /// `reply` is the answer to the request `request` (both message ids).
  void replied(uint64_t reply, uint64_t request) { reply_to_[reply] = request; }
  /// How many replies to `request` reached its requester.
  int replies_to(uint64_t request) const;
  /// The header a publication carries when a client sends it with one.
  static std::string header_for(const message_id& id) {
    return "NATS/1.0\r\nMsg-Id: " + id.encode() + "\r\n\r\n";
  }
  /// The account of each client (an index; messages never cross accounts).
  void set_client_accounts(std::vector<int> accounts) { client_accounts_ = std::move(accounts); }
  /// Server `index` runs under `id` (from its start, and again after each restart): system
  /// account messages name their origin by it, which the one-hop check of their routes needs.
  void server_started(int index, const std::string& id) { server_ids_[index].insert(id); }
  int account_of(int client) const {
    const auto c = static_cast<size_t>(client);
    return c < client_accounts_.size() ? client_accounts_[c] : 0;
  }
  /// A server booted again at `host`; its first new route counts for coverage.
  void restarted(const std::string& host) { restarted_.insert(host); }
  /// Samples the bounded-resource invariants.
  void check_bounds(size_t max_mailbox);

  /// Counts `what` among the run's coverage counters.
  void covered(const std::string& what) { ++net_.coverage()[what]; }
  /// Records a violation (only the first is kept as the failure).
  void fail(const std::string& what);
  bool ok() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }

  /// Deliveries seen of message `id`, as (client, sid) pairs.
  const std::vector<std::pair<int, std::string>>& deliveries_of(uint64_t id) const;

  // network_observer
  void on_connected(const sim_end& dialer, const sim_end& acceptor) override;
  void on_read(const sim_end& to, const std::vector<char>& data) override;
  // delivery_sink
  void on_delivery(const workload_client& client, const received_message& m) override;
  void on_client_error(const workload_client& client, std::string_view what) override;
  uint64_t last_published() const override { return last_published_; }

  static constexpr size_t max_mailbox = 10'000;

 private:
  struct route_tap;
  struct leaf_tap;
  struct publication {
    std::string subject;
    int origin = 0;
    std::string header;
  };
  void check_protocol(const workload_client& client, const client_subscription& sub,
                      const received_message& m, const message_id& id, const publication& pub,
                      const std::string& who);
  void on_routed(const sim_end& to, bool gateway, std::string_view subject,
                 std::string_view payload);
  void on_leaf_carried(const sim_end& to, std::string_view subject, std::string_view payload);
  void on_system_routed(const sim_end& to, bool gateway, std::string_view subject,
                        std::string_view payload);
  int cluster_of(int server) const {
    const auto s = static_cast<size_t>(server);
    return s < cluster_of_.size() ? cluster_of_[s] : 0;
  }
  /// Whether `sender` may pass on a message published on `origin` over this kind of link:
  /// a gateway only its own; a route its own, or one that came from another cluster.
  bool may_carry(bool gateway, int sender, int origin) const {
    if (origin == sender) return true;
    return !gateway && cluster_of(origin) != cluster_of(sender);
  }

  sim_network& net_;
  int cluster_port_;
  int gateway_port_ = -1;
  int leaf_port_ = -1;
  std::unordered_map<uint64_t, std::unique_ptr<leaf_tap>> leaf_taps_;  // by receiving end id
  std::vector<int> cluster_of_;
  std::function<int(const std::string&)> server_of_host_;
  std::map<int, std::set<std::string>> server_ids_;  // every id each server has had
  std::function<int64_t()> now_;
  size_t outbound_bound_;
  std::string failure_;
  std::unordered_map<uint64_t, publication> published_;
  std::unordered_map<uint64_t, std::unique_ptr<route_tap>> taps_;        // by receiving end id
  std::set<std::pair<uint64_t, uint64_t>> routed_;                       // (end id, message id)
  std::set<std::tuple<int, std::string, uint64_t>> delivered_;           // (client, sid, message)
  std::map<std::tuple<int, std::string, int>, uint64_t> last_sequence_;  // (client, sid, pub)
  std::map<std::pair<uint64_t, std::string>, int> queue_copies_;         // (message, queue group)
  std::unordered_map<uint64_t, std::vector<std::pair<int, std::string>>> deliveries_;
  std::set<std::string> restarted_;
  std::map<uint64_t, uint64_t> reply_to_;  // reply message -> request message
  std::map<uint64_t, int> replies_;        // request message -> replies its requester got
  uint64_t last_published_ = 0;
  std::vector<int> client_accounts_;
};

}  // namespace gnatsd::sim
