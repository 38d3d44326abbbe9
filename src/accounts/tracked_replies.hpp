// The tracked replies a responder was handed from a route (service latency, the responder's
// server's half: accounts/service_latency.hpp). Publishers on route connections record them
// as they deliver; the responder's connection takes one back when it publishes on it, and
// times its answer. Bounded: the oldest are forgotten beyond `capacity`, and any older than
// `max_age` (a responder that never answers cannot grow it).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gnatsd {

class tracked_replies {
 public:
  static constexpr size_t capacity = 4096;
  static constexpr int64_t max_age_ns = 120'000'000'000;

  struct request {
    std::string account;  // the exporter's, where the request was delivered
    int64_t arrived_ns = 0;
  };

  /// Whether any reply waits: checked on every publish, the lock only taken when set.
  bool any() const { return count_.load(std::memory_order_acquire) != 0; }

  void record(std::string_view reply, std::string account, int64_t now_ns) {
    std::lock_guard<std::mutex> guard{mutex_};
    prune(now_ns);
    auto& entry = entries_[std::string{reply}];
    entry = request{std::move(account), now_ns};
    order_.emplace_back(now_ns, std::string{reply});
    while (entries_.size() > capacity && !order_.empty()) {
      entries_.erase(order_.front().second);
      order_.pop_front();
    }
    count_.store(entries_.size(), std::memory_order_release);
  }

  std::optional<request> take(std::string_view reply) {
    std::lock_guard<std::mutex> guard{mutex_};
    const auto it = entries_.find(std::string{reply});
    if (it == entries_.end()) return std::nullopt;
    request r = std::move(it->second);
    entries_.erase(it);
    count_.store(entries_.size(), std::memory_order_release);
    return r;
  }

 private:
  void prune(int64_t now_ns) {  // under the lock
    while (!order_.empty() && (order_.front().first + max_age_ns <= now_ns ||
                               !entries_.count(order_.front().second))) {
      const auto it = entries_.find(order_.front().second);
      if (it != entries_.end() && it->second.arrived_ns == order_.front().first) entries_.erase(it);
      order_.pop_front();
    }
  }

  mutable std::mutex mutex_;
  std::unordered_map<std::string, request> entries_;
  std::deque<std::pair<int64_t, std::string>> order_;  // (recorded, reply), oldest first
  std::atomic<size_t> count_{0};
};

}  // namespace gnatsd
