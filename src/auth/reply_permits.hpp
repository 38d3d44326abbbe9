// allow_responses (auth/permissions.hpp): the reply subjects of the messages a client
// received, which it may publish to a limited number of times for a limited time although
// its publish permissions do not allow them (nats-server's `replies` map). Publishers on
// other threads record them as they deliver; the client uses them as it publishes.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/permissions.hpp"

namespace gnatsd {

class reply_permits {
 public:
  using duration = std::chrono::nanoseconds;
  /// Past this many permits, used-up and expired ones are dropped (nats-server's limit).
  static constexpr size_t prune_above = 4096;
  /// A hard bound nats-server does not have: a publisher flooding a responder with requests
  /// it never answers would otherwise grow the map for a whole `expires`. Past it, half of
  /// the permits are dropped to make room (a late answer to one of them is then refused).
  static constexpr size_t hard_limit = 65536;

  explicit reply_permits(response_permission limits) : limits_(limits) {}

  /// A message with reply subject `reply` was delivered to the client at `now`.
  void record(std::string_view reply, duration now);
  /// Whether the client may publish to `subject` now as a response; counts one use.
  bool use(std::string_view subject, duration now);
  size_t size() const;

 private:
  struct permit {
    duration since;
    int64_t used = 0;
  };
  bool spent(const permit& p, duration now) const;
  void prune(std::string_view keep, duration now);

  response_permission limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, permit> permits_;
  size_t next_prune_ = prune_above;
};

}  // namespace gnatsd
