#include "sim/supercluster.hpp"

#include <map>

#include "sim/leafnodes.hpp"
#include "sim/world.hpp"

namespace gnatsd::sim {
namespace {

bool route_linked(const sim_network& net, int a, int b) {
  return a == b || net.open_connections_between(server_host(a), server_host(b)) == 1;
}

// The server of cluster `k` that `from`'s outbound gateway lands on, or -1 (none, or more
// than one: both break the one-outbound-per-cluster rule).
int outbound_to(const scenario_plan& p, const sim_network& net, int from, int k) {
  int found = -1;
  for (int t = 0; t < p.servers; ++t) {
    if (p.cluster_of[static_cast<size_t>(t)] != k) continue;
    const size_t n = net.open_connections_to(server_host(from), server_host(t), gateway_port);
    if (n == 0) continue;
    if (n > 1 || found >= 0) return -1;
    found = t;
  }
  return found;
}

}  // namespace

std::string cluster_name(const scenario_plan& p, int i) {
  return "C" + std::to_string(p.cluster_of[static_cast<size_t>(i)]);
}

void configure_supercluster(const scenario_plan& p, int i, server_options& o) {
  o.cluster.name = cluster_name(p, i);
  o.gateway.name = o.cluster.name;
  o.gateway.port = gateway_port;
  std::map<std::string, std::vector<std::string>> seeds;
  for (int to : p.gateways[static_cast<size_t>(i)])
    seeds[cluster_name(p, to)].push_back("nats://" + server_host(to) + ":" +
                                         std::to_string(gateway_port));
  for (auto& [name, urls] : seeds)
    o.gateway.gateways.push_back(remote_gateway_options{name, std::move(urls), std::nullopt});
}

bool reaches(const scenario_plan& p, const sim_network& net, int from, int to) {
  if (has_leafnodes(p)) return leaf_reaches(p, net, from, to);
  if (!is_supercluster(p) ||
      p.cluster_of[static_cast<size_t>(from)] == p.cluster_of[static_cast<size_t>(to)])
    return route_linked(net, from, to);
  const int landing = outbound_to(p, net, from, p.cluster_of[static_cast<size_t>(to)]);
  return landing >= 0 && route_linked(net, landing, to);
}

std::string check_gateway_mesh(const scenario_plan& p, const sim_network& net,
                               const std::function<bool(int)>& up) {
  std::set<int> clusters(p.cluster_of.begin(), p.cluster_of.end());
  for (int s = 0; s < p.servers; ++s) {
    if (!up(s)) continue;
    for (int k : clusters) {
      if (k == p.cluster_of[static_cast<size_t>(s)]) continue;
      if (outbound_to(p, net, s, k) < 0)
        return "gateways: server " + std::to_string(s) +
               " does not have exactly one outbound "
               "gateway to cluster C" +
               std::to_string(k) + " after the heal phase";
    }
  }
  return {};
}

std::string check_gateway_interest(const scenario_plan& p, world& w,
                                   const std::vector<std::multiset<std::string>>& announced,
                                   const std::function<bool(int)>& up) {
  for (int s = 0; s < p.servers; ++s) {
    if (!up(s)) continue;
    const auto& ctx = *w.server(static_cast<size_t>(s)).context;
    const auto gateways = ctx.outbound_gateways();
    for (const auto& g : *gateways) {
      std::set<std::string> held, expected;
      for (const auto& acc : ctx.accounts.all())
        acc->subscriptions().for_each([&](const subscription& sub) {
          if (sub.owner == g.sub) held.insert(acc->name() + "|" + sub.subject + "|" + sub.queue);
        });
      for (int t = 0; t < p.servers; ++t)
        if (up(t) && cluster_name(p, t) == g.name)
          expected.insert(announced[static_cast<size_t>(t)].begin(),
                          announced[static_cast<size_t>(t)].end());
      if (held != expected)
        return "gateway interest: server " + std::to_string(s) + " holds " +
               std::to_string(held.size()) + " subscriptions of cluster " + g.name +
               ", whose live servers announce " + std::to_string(expected.size());
    }
  }
  return {};
}

}  // namespace gnatsd::sim
