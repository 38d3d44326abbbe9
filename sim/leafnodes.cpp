#include "sim/leafnodes.hpp"

#include <map>

#include "routing/leaf_interest.hpp"
#include "sim/interest_holdings.hpp"
#include "sim/world.hpp"

namespace gnatsd::sim {
namespace {

constexpr const char* leaf_user = "leaf";
constexpr const char* leaf_password = "s1m-leaf-secret";

bool route_linked(const sim_network& net, int a, int b) {
  return a == b || net.open_connections_between(server_host(a), server_host(b)) == 1;
}

// The hub server leaf `l` is connected to now, or -1 (none, or more than one connection).
int hub_of(const scenario_plan& p, const sim_network& net, int l) {
  int found = -1;
  for (int h = 0; h < p.servers; ++h) {
    if (!is_hub(p, h)) continue;
    const size_t n = net.open_connections_to(server_host(l), server_host(h), leaf_port);
    if (n == 0) continue;
    if (n > 1 || found >= 0) return -1;
    found = h;
  }
  return found;
}

}  // namespace

void configure_leafnodes(const scenario_plan& p, int i, server_options& o) {
  o.cluster.name = "C" + std::to_string(p.cluster_of[static_cast<size_t>(i)]);
  if (is_hub(p, i)) {
    o.leafnodes.port = leaf_port;
    o.leafnodes.user = leaf_user;
    o.leafnodes.password = leaf_password;
    return;
  }
  remote_leaf_options r;
  for (int h : p.leaf_remotes[static_cast<size_t>(i)])
    r.urls.push_back("nats-leaf://" + std::string{leaf_user} + ":" + leaf_password + "@" +
                     server_host(h) + ":" + std::to_string(leaf_port));
  r.no_randomize = true;  // the plan's order, so that runs replay
  if (!r.urls.empty()) o.leafnodes.remotes.push_back(std::move(r));
}

bool leaf_reaches(const scenario_plan& p, const sim_network& net, int from, int to) {
  const int cf = p.cluster_of[static_cast<size_t>(from)];
  const int ct = p.cluster_of[static_cast<size_t>(to)];
  if (cf == ct) return route_linked(net, from, to);
  // Into the hub cluster over the publisher's own link; out of it over the subscriber's own.
  const int entry = cf == 0 ? from : hub_of(p, net, from);
  const int exit = ct == 0 ? to : hub_of(p, net, to);
  return entry >= 0 && exit >= 0 && route_linked(net, entry, exit);
}

std::string check_leaf_links(const scenario_plan& p, const sim_network& net,
                             const std::function<bool(int)>& up) {
  for (int l = 0; l < p.servers; ++l) {
    if (is_hub(p, l) || !up(l)) continue;
    bool any_hub_up = false;
    for (int h : p.leaf_remotes[static_cast<size_t>(l)])
      any_hub_up = any_hub_up || up(h);
    if (!any_hub_up) continue;
    if (hub_of(p, net, l) < 0)
      return "leafnodes: leaf server " + std::to_string(l) +
             " does not have exactly one leafnode connection to its hub after the heal phase";
  }
  return {};
}

std::string check_leaf_interest(const scenario_plan& p, world& w, const sim_network& net,
                                const std::vector<std::multiset<std::string>>& announced,
                                const std::function<bool(int)>& up) {
  for (int h = 0; h < p.servers; ++h) {
    if (!is_hub(p, h) || !up(h)) continue;
    // What the hub holds of its leafnodes' interest (they are bound to $G).
    std::multiset<std::string> held, expected;
    const auto& ctx = *w.server(static_cast<size_t>(h)).context;
    for (const auto& acc : ctx.accounts.all())
      acc->subscriptions().for_each([&](const subscription& sub) {
        if (sub.owner->is_leaf())
          held.insert(acc->name() + "|" + sub.subject + "|" + sub.queue + "|" +
                      std::to_string(sub.weight.load()));
      });
    for (int l = 0; l < p.servers; ++l) {
      if (is_hub(p, l) || !up(l) || hub_of(p, net, l) != h) continue;
      const auto& leaf = *w.server(static_cast<size_t>(l)).context;
      interest in_global;
      for (const auto& key : announced[static_cast<size_t>(l)])
        if (key.rfind("$G|", 0) == 0) in_global.insert(key);
      interest told = summary(in_global);
      // A leaf also announces its loop detection subject and its service imports' subjects.
      auto extra = [&](const std::string& subject) {
        const std::string key = "$G|" + subject + "||1";
        if (told.count(key) == 0) told.insert(key);
      };
      extra(loop_detection_subject(leaf.server_id, "$G"));
      if (const auto g = leaf.accounts.find("$G"))
        for (const auto& rule : g->imports()->services)
          extra(rule->mapping.to());
      expected.insert(told.begin(), told.end());
    }
    if (held != expected)
      return "leafnode interest: hub server " + std::to_string(h) + " holds " +
             std::to_string(held.size()) + " leafnode subscriptions, its leafs announce " +
             std::to_string(expected.size());
  }
  return {};
}

}  // namespace gnatsd::sim
