#include "cluster/leaf_remotes.hpp"

#include <algorithm>

#include "config/nats_url.hpp"

namespace gnatsd::cluster {

leaf_remotes::leaf_remotes(const leafnode_options& options, prng& rng)
    : reconnect_(options.reconnect) {
  for (const auto& r : options.remotes) {
    remote rem;
    rem.configured = r.urls;
    rem.urls = r.urls;
    if (!r.no_randomize)
      for (size_t i = rem.urls.size(); i > 1; --i)
        std::swap(rem.urls[i - 1], rem.urls[rng.below(i)]);
    remotes_.push_back(std::move(rem));
  }
}

std::string leaf_remotes::pick_next(remote& r) {
  if (r.urls.empty()) return {};
  // The URL tried last moves to the end of the list (nats-server's pickNextURL).
  if (!r.current.empty() && r.urls.size() > 1 && r.urls.front() == r.current)
    std::rotate(r.urls.begin(), r.urls.begin() + 1, r.urls.end());
  r.current = r.urls.front();
  return r.current;
}

std::vector<leaf_dial> leaf_remotes::start() {
  std::vector<leaf_dial> out;
  for (size_t i = 0; i < remotes_.size(); ++i)
    if (!remotes_[i].urls.empty()) out.push_back({i, pick_next(remotes_[i]), duration::zero()});
  return out;
}

leaf_dial leaf_remotes::dial_failed(size_t i) {
  auto& r = remotes_.at(i);
  return {i, pick_next(r), reconnect_};
}

leaf_dial leaf_remotes::closed(size_t i, duration extra) {
  auto& r = remotes_.at(i);
  return {i, pick_next(r), reconnect_ + extra};
}

void leaf_remotes::learned(size_t i, const std::vector<std::string>& host_ports) {
  auto& r = remotes_.at(i);
  std::vector<std::string> urls;
  for (const auto& hp : host_ports) {
    bool configured = false;
    for (const auto& c : r.configured) {
      nats_url u;
      configured = configured || (parse_nats_url(c, u) && u.host_port() == hp);
    }
    if (!configured) urls.push_back("nats-leaf://" + hp);
  }
  // The announced URLs first, then the configured ones (nats-server's doUpdateLNURLs).
  urls.insert(urls.end(), r.configured.begin(), r.configured.end());
  r.urls = std::move(urls);
}

}  // namespace gnatsd::cluster
