#include "sim/interest_holdings.hpp"

#include <map>

#include "sim/world.hpp"

namespace gnatsd::sim {

server_holdings holdings_of(world& w, int s) {
  server_holdings h;
  for (const auto& acc : w.server(static_cast<size_t>(s)).context->accounts.all())
    acc->subscriptions().for_each([&](const subscription& sub) {
      const std::string key = acc->name() + "|" + sub.subject + "|" + sub.queue;
      if (sub.owner->is_gateway()) return;  // another cluster's (check_gateway_interest)
      if (sub.owner->is_leaf()) {
        // A leafnode we are the hub of: routes hear of its interest (a queue group with its
        // weight); the hub we dialled: nobody does (check_leaf_interest covers both).
        const bool hub_side = sub.owner->leaf && !sub.owner->leaf->spoke;
        const int members = sub.queue.empty() ? 1 : sub.weight.load();
        for (int m = 0; hub_side && m < members; ++m)
          h.announced.insert(key);
        return;
      }
      if (sub.owner->is_route()) {
        h.remote.insert(key + "|" + std::to_string(sub.weight.load()));
        return;
      }
      const bool own = sub.internal || acc->name() == "$SYS";  // the workload never uses $SYS
      if (!own) h.local.insert(key);
      // Service imports' subscriptions stay local; exports' response subscriptions do not.
      if (!sub.internal || sub.responses_of) h.announced.insert(key);
    });
  return h;
}

interest summary(const interest& local) {
  std::map<std::string, int> groups;
  for (const auto& s : local)
    ++groups[s];
  interest out;
  for (const auto& [key, n] : groups) {
    const bool queue = key.back() != '|';
    out.insert(key + "|" + std::to_string(queue ? n : 1));
  }
  return out;
}

}  // namespace gnatsd::sim
