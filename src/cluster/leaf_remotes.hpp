// The hubs this server dials as a leafnode (`leafnodes { remotes }`): for each remote the
// URLs to try in turn - the configured ones (shuffled unless no_randomize) and those the
// hub's cluster announced (its INFO's leafnode_urls) - and when to dial again, as
// nats-server's leafNodeCfg does: after a failed dial or a lost connection the next URL
// after the reconnect interval (1 s by default), plus 30 s after a loop, a permission
// violation or a cluster name clash.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "util/prng.hpp"

namespace gnatsd::cluster {

struct leaf_dial {
  size_t remote = 0;
  std::string url;
  duration delay{};
};

class leaf_remotes {
 public:
  leaf_remotes(const leafnode_options& options, prng& rng);

  /// The first dial of every remote.
  std::vector<leaf_dial> start();
  /// A dial failed: the next URL, after the reconnect interval.
  leaf_dial dial_failed(size_t remote);
  /// A connection closed: the next URL after the interval plus `extra` (a loop's 30 s...).
  leaf_dial closed(size_t remote, duration extra);
  /// The hub's cluster announced its leafnode URLs ("host:port").
  void learned(size_t remote, const std::vector<std::string>& host_ports);
  /// Every URL a remote will try, in order (configured first, as written).
  const std::vector<std::string>& urls(size_t remote) const { return remotes_.at(remote).urls; }
  size_t size() const { return remotes_.size(); }

 private:
  struct remote {
    std::vector<std::string> configured;
    std::vector<std::string> urls;  // the ones to try: learned, then configured
    std::string current;
  };
  std::string pick_next(remote& r);

  std::vector<remote> remotes_;
  duration reconnect_;
};

}  // namespace gnatsd::cluster
