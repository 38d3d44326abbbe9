#include "actors/sublist_actor.hpp"

#include <caf/all.hpp>
#include <map>

#include "util/assert.hpp"

namespace gnatsd {
namespace {

struct sublist_state {
  server_context_ptr context;
  // (subject, queue) -> number of local subscriptions. std::map keeps any output that walks
  // it in a deterministic order.
  std::map<std::pair<std::string, std::string>, int64_t> interest;
};

sublist_actor::behavior_type sublist_behavior(sublist_actor::stateful_pointer<sublist_state> self,
                                              server_context_ptr context) {
  self->state.context = std::move(context);
  return {
      [=](interest_atom, std::vector<interest_change>& changes) {
        auto& interest = self->state.interest;
        for (const auto& ch : changes) {
          auto key = std::make_pair(ch.subject, ch.queue);
          const int64_t now = (interest[key] += ch.delta);
          GNATSD_ASSERT(now >= 0);
          if (now == 0) interest.erase(key);
        }
      },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.interest.size()); },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

sublist_actor spawn_sublist_actor(caf::actor_system& sys, server_context_ptr context) {
  return sys.spawn(sublist_behavior, std::move(context));
}

}  // namespace gnatsd
