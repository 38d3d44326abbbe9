#include "routing/gateway_replies.hpp"

#include "subject/subject.hpp"
#include "util/short_hash.hpp"

namespace gnatsd {
namespace {

constexpr int64_t lifetime_ns =
    std::chrono::duration_cast<std::chrono::nanoseconds>(gateway_reply::lifetime).count();

}  // namespace

std::string gateway_reply::hash(std::string_view name) {
  return short_hash(name, hash_size);
}

std::string gateway_reply::prefix_for(std::string_view cluster, std::string_view server_id) {
  std::string p{prefix};
  p += hash(cluster);
  p += '.';
  p += hash(server_id);
  p += '.';
  return p;
}

void recent_subscriptions::prune(clock_ns now) {
  while (!entries_.empty() && entries_.front().expires <= now)
    entries_.pop_front();
}

void recent_subscriptions::add(const account* acc, std::string_view subject, clock_ns now) {
  std::lock_guard<std::mutex> guard{mutex_};
  prune(now);
  if (entries_.size() >= max_entries) entries_.pop_front();
  entries_.push_back(entry{acc, std::string{subject}, now + lifetime_ns});
}

bool recent_subscriptions::matches(const account* acc, std::string_view reply, clock_ns now) {
  std::lock_guard<std::mutex> guard{mutex_};
  prune(now);
  for (const auto& e : entries_)
    if (e.acc == acc && subject::matches(e.subject, reply)) return true;
  return false;
}

void routed_replies::record(std::string_view routed, clock_ns now) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (map_.size() >= max_entries) {
    for (auto it = map_.begin(); it != map_.end();)
      it = it->second.second <= now ? map_.erase(it) : std::next(it);
    if (map_.size() >= max_entries) map_.erase(map_.begin());
  }
  map_[std::string{gateway_reply::original(routed)}] = {std::string{routed}, now + lifetime_ns};
  any_.store(true, std::memory_order_release);
}

std::string routed_replies::routed_form(std::string_view subject, clock_ns now) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = map_.find(std::string{subject});
  if (it == map_.end()) return {};
  if (it->second.second <= now) {
    map_.erase(it);
    return {};
  }
  return it->second.first;
}

}  // namespace gnatsd
