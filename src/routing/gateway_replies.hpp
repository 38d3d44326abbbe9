// Replies across gateways (nats-server's "_GR_." routed replies).
//
// A request leaving this cluster for another one may be answered before the requester's
// interest in its reply subject has reached that cluster (interest travels on the other
// gateway connection). So when the reply subject matches a subscription made in the last
// two seconds, the request carries it as `_GR_.<cluster hash>.<server hash>.<reply>`: the
// receiving cluster hands its clients the plain reply and remembers, per client, which routed
// form it came in; the client's answer then goes straight back to the origin cluster and
// server, whatever interest has arrived by then.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gnatsd {

class account;

namespace gateway_reply {

inline constexpr std::string_view prefix = "_GR_.";
inline constexpr size_t hash_size = 6;
inline constexpr size_t cluster_offset = prefix.size();
inline constexpr size_t server_offset = cluster_offset + hash_size + 1;
inline constexpr size_t subject_offset = server_offset + hash_size + 1;
/// How long a new subscription makes replies routed, and a client remembers a routed reply
/// (nats-server's defaultGatewayRecentSubExpiration).
inline constexpr std::chrono::seconds lifetime{2};

/// Whether `subject` is a routed reply (long enough to carry both hashes and a subject).
inline bool is_routed(std::string_view subject) {
  return subject.size() > subject_offset && subject.substr(0, prefix.size()) == prefix;
}
inline std::string_view cluster_hash(std::string_view routed) {
  return routed.substr(cluster_offset, hash_size);
}
inline std::string_view server_hash(std::string_view routed) {
  return routed.substr(server_offset, hash_size);
}
inline std::string_view original(std::string_view routed) {
  return routed.substr(subject_offset);
}

/// The 6-character hash nats-server takes of a cluster name or a server id.
std::string hash(std::string_view name);
/// `_GR_.<hash(cluster)>.<hash(server_id)>.`
std::string prefix_for(std::string_view cluster, std::string_view server_id);

}  // namespace gateway_reply

/// Subscriptions made in the last `gateway_reply::lifetime` on this server or its routes'
/// peers, per account: a request whose reply matches one leaves with a routed reply. Any
/// thread adds and asks; bounded (the oldest are forgotten first, which only means a reply
/// travels by interest instead).
class recent_subscriptions {
 public:
  using clock_ns = int64_t;  // the actor clock, in nanoseconds
  void add(const account* acc, std::string_view subject, clock_ns now);
  bool matches(const account* acc, std::string_view reply, clock_ns now);
  static constexpr size_t max_entries = 4096;

 private:
  struct entry {
    const account* acc;
    std::string subject;
    clock_ns expires;
  };
  void prune(clock_ns now);
  std::mutex mutex_;
  std::deque<entry> entries_;
};

/// The routed replies a client was handed (plain reply -> routed form), so that what it
/// publishes to the plain reply goes back routed. Written by publishers on other threads,
/// read by the client's own session; bounded like the recent subscriptions.
class routed_replies {
 public:
  using clock_ns = int64_t;
  void record(std::string_view routed, clock_ns now);
  /// The routed form of `subject`, if this client was handed it lately; empty otherwise.
  std::string routed_form(std::string_view subject, clock_ns now);
  /// Cheap check for the publish path: has anything ever been recorded.
  bool any() const { return any_.load(std::memory_order_acquire); }
  static constexpr size_t max_entries = 4096;

 private:
  std::atomic<bool> any_{false};
  std::mutex mutex_;
  std::unordered_map<std::string, std::pair<std::string, clock_ns>> map_;
};

}  // namespace gnatsd
