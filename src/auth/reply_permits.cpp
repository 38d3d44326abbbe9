#include "auth/reply_permits.hpp"

namespace gnatsd {

bool reply_permits::spent(const permit& p, duration now) const {
  if (limits_.max_msgs > 0 && p.used >= limits_.max_msgs) return true;
  return limits_.expires > duration::zero() && now - p.since > limits_.expires;
}

void reply_permits::record(std::string_view reply, duration now) {
  std::lock_guard<std::mutex> guard{mutex_};
  permits_[std::string{reply}] = permit{now, 0};
  if (permits_.size() <= prune_above) return;
  for (auto it = permits_.begin(); it != permits_.end();)
    it = spent(it->second, now) ? permits_.erase(it) : std::next(it);
  for (auto it = permits_.begin(); permits_.size() > hard_limit && it != permits_.end();)
    it = it->first == reply ? std::next(it) : permits_.erase(it);
}

bool reply_permits::use(std::string_view subject, duration now) {
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = permits_.find(std::string{subject});
  if (it == permits_.end()) return false;
  if (spent(it->second, now)) {
    permits_.erase(it);
    return false;
  }
  ++it->second.used;
  return true;
}

size_t reply_permits::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return permits_.size();
}

}  // namespace gnatsd
