#include "cluster/gateway_registry.hpp"

#include <algorithm>

#include "config/nats_url.hpp"

namespace gnatsd::cluster {
namespace {

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string host_port_of(const std::string& url) {
  nats_url u;
  return parse_nats_url(url, u) ? u.host_port() : url;
}

const char* kind_of(bool implicit) {
  return implicit ? "implicit" : "explicit";
}

}  // namespace

gateway_registry::gateway_registry(const gateway_options& o, std::string own_url, logger& log,
                                   prng rng)
    : name_(o.name),
      connect_retries_(o.connect_retries),
      reject_unknown_(o.reject_unknown),
      log_(log),
      rng_(rng) {
  if (!own_url.empty()) cluster_urls_.push_back(std::move(own_url));
  for (const auto& g : o.gateways) {
    if (g.name == name_) continue;  // our own cluster, listed for symmetry of configs
    remote& r = remotes_[g.name];
    for (const auto& u : g.urls) {
      r.configured_urls.push_back(u);
      r.urls.push_back(host_port_of(u));
    }
  }
}

std::vector<gateway_dial> gateway_registry::solicit_configured() {
  std::vector<gateway_dial> out;
  for (auto& [name, r] : remotes_)
    if (!r.implicit && !r.urls.empty()) {
      r.attempts = 1;
      out.push_back(gateway_dial{name, url_at(r, 0), false, 1, 0, {}});
    }
  return out;
}

std::string gateway_registry::url_at(const remote& r, size_t i) const {
  if (i < r.configured_urls.size()) return r.configured_urls[i];
  return "nats://" + r.urls[i];
}

void gateway_registry::dialing(const gateway_dial& d) const {
  const std::string line = std::string{"Connecting to "} + kind_of(d.implicit) + " gateway " +
                           quoted(d.name) + " (" + host_port_of(d.url) + ") at " +
                           host_port_of(d.url) + " (attempt " + std::to_string(d.attempt) + ")";
  if (d.attempt == 1) {
    log_.info(line);
  } else {
    log_.debugf(line);
  }
}

std::optional<gateway_dial> gateway_registry::dial_ended(const gateway_dial& d,
                                                         const std::string& error) {
  if (error.empty()) return std::nullopt;
  const std::string line = std::string{"Error connecting to "} + kind_of(d.implicit) + " gateway " +
                           quoted(d.name) + " (" + host_port_of(d.url) + ") at " +
                           host_port_of(d.url) + " (attempt " + std::to_string(d.attempt) +
                           "): " + error;
  if (d.attempt == 1) {
    log_.error(line);
  } else {
    log_.debugf(line);
  }
  auto it = remotes_.find(d.name);
  if (it == remotes_.end() || outbound_.count(d.name) != 0) return std::nullopt;
  remote& r = it->second;
  if (d.index + 1 < r.urls.size())
    return gateway_dial{d.name, url_at(r, d.index + 1), r.implicit, d.attempt, d.index + 1, {}};
  return next_round(d.name, d.attempt, r.implicit);
}

std::optional<gateway_dial> gateway_registry::next_round(const std::string& name, int attempt,
                                                         bool implicit) {
  auto it = remotes_.find(name);
  if (it == remotes_.end()) return std::nullopt;
  // An implicit cluster is given up after connect_retries rounds, unless it dialled us.
  if (implicit && (connect_retries_ == 0 || attempt > connect_retries_) &&
      !has_inbound_from(name)) {
    remotes_.erase(it);
    return std::nullopt;
  }
  it->second.attempts = attempt + 1;
  return gateway_dial{name, url_at(it->second, 0), implicit, attempt + 1, 0, connect_delay};
}

std::optional<gateway_dial> gateway_registry::learned(const std::string& name,
                                                      const std::vector<std::string>& urls) {
  if (name.empty() || name == name_) return std::nullopt;
  auto it = remotes_.find(name);
  if (it != remotes_.end()) {
    // Known: its URL list grows by what we were told.
    for (const auto& u : urls)
      if (std::find(it->second.urls.begin(), it->second.urls.end(), u) == it->second.urls.end())
        it->second.urls.push_back(u);
    return std::nullopt;
  }
  if (reject_unknown_ || urls.empty()) return std::nullopt;
  remote& r = remotes_[name];
  r.implicit = true;
  r.urls = urls;
  r.attempts = 1;
  return gateway_dial{name, url_at(r, 0), true, 1, 0, {}};
}

bool gateway_registry::register_outbound(const std::string& name, uint64_t gid) {
  return outbound_.emplace(name, gid).second;
}

void gateway_registry::register_inbound(uint64_t gid, const std::string& name) {
  inbound_[gid] = name;
}

bool gateway_registry::has_inbound_from(const std::string& name) const {
  for (const auto& [gid, n] : inbound_)
    if (n == name) return true;
  return false;
}

std::optional<gateway_dial> gateway_registry::closed(uint64_t gid, bool outbound,
                                                     const std::string& name, bool no_redial) {
  if (!outbound) {
    inbound_.erase(gid);
    return std::nullopt;
  }
  auto out = outbound_.find(name);
  const bool was_registered = out != outbound_.end() && out->second == gid;
  if (was_registered) outbound_.erase(out);
  if (no_redial || outbound_.count(name) != 0) return std::nullopt;
  auto it = remotes_.find(name);
  if (it == remotes_.end()) return std::nullopt;
  // nats-server's reconnectGateway: a random pause of up to 100 ms, plus a second for a
  // configured cluster.
  duration delay = std::chrono::milliseconds{static_cast<int64_t>(rng_.below(100))};
  if (!it->second.implicit) delay += reconnect_delay;
  it->second.attempts = 1;
  return gateway_dial{name, url_at(it->second, 0), it->second.implicit, 1, 0, delay};
}

std::vector<std::string> gateway_registry::gossip_for(const std::string& name,
                                                      const std::string& server_id,
                                                      bool connected_only) const {
  std::vector<std::string> out;
  for (const auto& [n, r] : remotes_) {
    if (n == name || r.urls.empty()) continue;
    if (connected_only && outbound_.count(n) == 0) continue;
    proto::gateway_info info;
    info.server_id = server_id;
    info.gateway = n;
    info.gateway_urls = r.urls;
    info.command = proto::gateway_command::gossip;
    out.push_back(proto::encode_gateway_command(info));
  }
  return out;
}

std::string gateway_registry::route_gossip_for(const std::string& name,
                                               const std::string& server_id,
                                               const std::string& server_name) const {
  auto it = remotes_.find(name);
  if (it == remotes_.end() || it->second.urls.empty()) return {};
  // "GW" + our id: not a server a route peer could mistake for a route to dial.
  proto::gateway_info info;
  info.server_id = "GW" + server_id;
  info.server_name = server_name;
  info.gateway = name;
  info.gateway_urls = it->second.urls;
  info.command = proto::gateway_command::gossip;
  return proto::encode_gateway_command(info);
}

std::vector<std::string> gateway_registry::route_gossip(const std::string& server_id,
                                                        const std::string& server_name) const {
  std::vector<std::string> out;
  for (const auto& [name, gid] : outbound_)
    if (auto line = route_gossip_for(name, server_id, server_name); !line.empty())
      out.push_back(std::move(line));
  return out;
}

}  // namespace gnatsd::cluster
