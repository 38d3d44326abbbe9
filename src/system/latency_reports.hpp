// The system service's half of service latency tracking (accounts/service_latency.hpp): it
// turns what connections measured into nats-server's JSON, and pairs the two halves of a
// request answered on another server.
//
// - A `result` becomes a ServiceLatency published on the export's latency subject.
// - A `local_half` (the response came over a route) waits for the responder's server's
//   M2; an M2 that arrives first waits for it. Both wait at most `wait_ns`, and at most
//   `capacity` of them (the oldest are dropped first).
// - A `remote_half` becomes nats-server's remoteLatency (`{"account","req_id","m2"}`),
//   published on `$SYS.LATENCY.M2.<hash of the requester's server>`.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/service_latency.hpp"

namespace gnatsd::system {

/// What the service publishes: on `subject` in `account` (empty: the system account).
struct latency_message {
  std::string account;
  std::string subject;
  std::string payload;
};

/// The facts a rendering needs from the service.
struct latency_context {
  int64_t now_ns = 0;         // wall clock
  int64_t steady_now_ns = 0;  // the actor clock, which measurements were taken by
  std::string server_name, cluster;
  std::string event_id;  // a fresh one per call
};

class latency_reports {
 public:
  static constexpr size_t capacity = 4096;
  static constexpr int64_t wait_ns = 10'000'000'000;  // an M2 later than this is dropped
  /// An M2 is about 450 bytes; a larger body is not one (a system user or a route peer could
  /// otherwise park `capacity` megabyte payloads here).
  static constexpr size_t max_remote_bytes = 8192;

  /// A connection's measurement; returns what to publish now, if anything.
  std::optional<latency_message> measured(const latency_sample& s, const latency_context& c);
  /// An M2 heard on `$SYS.LATENCY.M2.<our hash>`; returns the merged result once both
  /// halves are here. A body that is not nats-server's remoteLatency, or answers a reply this
  /// server (`own_hash`) did not mark, is ignored.
  std::optional<latency_message> remote_half(std::string_view body, std::string_view own_hash,
                                             const latency_context& c);
  size_t waiting() const { return halves_.size(); }

 private:
  struct half {
    std::string account, subject;  // the result's destination (local halves only)
    std::string json;              // the local ServiceLatency, or the remote M2
    bool local = false;
    int64_t expires_ns = 0;
  };
  std::optional<latency_message> pair(const std::string& reply, half h);
  void expire(int64_t steady_now_ns);

  std::map<std::string, half, std::less<>> halves_;  // by tracked reply
  std::deque<std::pair<int64_t, std::string>> order_;
};

}  // namespace gnatsd::system
