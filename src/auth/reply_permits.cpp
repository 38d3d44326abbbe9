#include "auth/reply_permits.hpp"

#include <algorithm>

namespace gnatsd {

bool reply_permits::spent(const permit& p, duration now) const {
  if (limits_.max_msgs > 0 && p.used >= limits_.max_msgs) return true;
  return limits_.expires > duration::zero() && now - p.since > limits_.expires;
}

void reply_permits::record(std::string_view reply, duration now) {
  std::lock_guard<std::mutex> guard{mutex_};
  permits_[std::string{reply}] = permit{now, 0};
  if (permits_.size() > next_prune_) prune(reply, now);
}

// Drops spent permits and, past the hard limit, half of the rest. The next prune waits until
// the map has doubled, so that a flood of unanswered requests costs amortised constant time
// per record instead of a scan of every permit each time (which nats-server's prune does).
void reply_permits::prune(std::string_view keep, duration now) {
  for (auto it = permits_.begin(); it != permits_.end();)
    it = spent(it->second, now) ? permits_.erase(it) : std::next(it);
  if (permits_.size() > hard_limit)
    for (auto it = permits_.begin(); permits_.size() > hard_limit / 2 && it != permits_.end();)
      it = it->first == keep ? std::next(it) : permits_.erase(it);
  next_prune_ = std::max(prune_above, std::min(hard_limit, 2 * permits_.size()));
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
