// The fault half of the simulated network (sim/sim_network.hpp): links cut and restored
// (bytes held while cut arrive, in order, when the link is restored), partitions, and hosts
// that crash without a FIN or a reset and come back.
#include "sim/sim_network.hpp"

namespace gnatsd::sim {

std::pair<std::string, std::string> sim_network::link(const std::string& a, const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

bool sim_network::crosses_partition(const std::string& a, const std::string& b) const {
  return !cuts_.empty() && cuts_.count(link(a, b)) != 0;
}

void sim_network::cut(const std::string& a, const std::string& b) {
  if (a != b) ++cuts_[link(a, b)];
}

void sim_network::partition(const std::set<std::string>& side, const std::vector<std::string>& all,
                            bool restore_links) {
  for (const auto& a : side)
    for (const auto& b : all)
      if (side.count(b) == 0) restore_links ? restore(a, b) : cut(a, b);
}

void sim_network::restore(const std::string& a, const std::string& b) {
  const auto it = cuts_.find(link(a, b));
  if (it == cuts_.end() || --it->second > 0) return;
  cuts_.erase(it);
  restored_.insert(link(a, b));
  // Held bytes of this link arrive now, each connection's in the order they were sent.
  const int64_t now = now_();
  std::vector<event> still;
  for (auto& ev : held_) {
    auto to = ev.to.lock();
    if (to && crosses_partition(to->local_.host, to->remote_.host))
      still.push_back(std::move(ev));
    else
      events_.emplace(std::make_pair(now, sequence_++), std::move(ev));
  }
  held_ = std::move(still);
}

void sim_network::heal() {
  auto cut = cuts_;
  for (auto& [l, n] : cut) {
    cuts_[l] = 1;
    restore(l.first, l.second);
  }
}

void sim_network::crash_host(const std::string& host) {
  down_.insert(host);
  for (const auto& e : ends_) {
    auto end = e.lock();
    if (!end || end->local_.host != host) continue;
    // Gone without a FIN or a reset: the peer finds out only by its own keepalive.
    end->dead_ = true;
    dead_ends_.push_back(end);  // its peer must still find it dead, not gone
    end->closed_ = true;
    end->close_notified_ = true;
    end->ready_.clear();
    end->send_queue_.clear();
    end->queue_offset_ = 0;
    end->fin_after_queue_ = false;
    end->handler_.reset();
  }
  for (auto it = listeners_.begin(); it != listeners_.end();)
    it = it->first.compare(0, host.size() + 1, host + ":") == 0 ? listeners_.erase(it) : ++it;
}

void sim_network::revive_host(const std::string& host) {
  down_.erase(host);
}

}  // namespace gnatsd::sim
