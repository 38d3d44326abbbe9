// The tracked replies a responder was handed from a route (service latency, the responder's
// server's half: accounts/service_latency.hpp). Publishers on route connections record them
// as they deliver; the responder's connection takes one back when it publishes on it, and
// times its answer. Bounded: the oldest are forgotten beyond `capacity`, and any older than
// `max_age` (a responder that never answers cannot grow it).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
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
    if (!state_) state_ = std::make_unique<state>();  // most connections never get one
    auto& st = *state_;
    prune(now_ns);
    st.entries[std::string{reply}] = request{std::move(account), now_ns};
    st.order.emplace_back(now_ns, std::string{reply});
    while (st.entries.size() > capacity && !st.order.empty()) {
      st.entries.erase(st.order.front().second);
      st.order.pop_front();
    }
    count_.store(st.entries.size(), std::memory_order_release);
  }

  std::optional<request> take(std::string_view reply) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!state_) return std::nullopt;
    const auto it = state_->entries.find(std::string{reply});
    if (it == state_->entries.end()) return std::nullopt;
    request r = std::move(it->second);
    state_->entries.erase(it);
    count_.store(state_->entries.size(), std::memory_order_release);
    return r;
  }

 private:
  struct state {
    std::unordered_map<std::string, request> entries;
    std::deque<std::pair<int64_t, std::string>> order;  // (recorded, reply), oldest first
  };

  void prune(int64_t now_ns) {  // under the lock
    auto& st = *state_;
    while (!st.order.empty() && (st.order.front().first + max_age_ns <= now_ns ||
                                 !st.entries.count(st.order.front().second))) {
      const auto it = st.entries.find(st.order.front().second);
      if (it != st.entries.end() && it->second.arrived_ns == st.order.front().first)
        st.entries.erase(it);
      st.order.pop_front();
    }
  }

  mutable std::mutex mutex_;
  std::unique_ptr<state> state_;  // created by the first record
  std::atomic<size_t> count_{0};
};

}  // namespace gnatsd
