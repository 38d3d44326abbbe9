#include "actors/sublist_actor.hpp"

#include <caf/all.hpp>
#include <map>

#include "proto/route_encoder.hpp"
#include "util/assert.hpp"

namespace gnatsd {
namespace {

constexpr std::string_view global_account = "$G";

struct sublist_state {
  server_context_ptr context;
  // (subject, queue) -> number of local subscriptions: nats-server's `acc.rm`. std::map
  // keeps the snapshot sent to a new route in a deterministic order.
  std::map<std::pair<std::string, std::string>, int64_t> interest;
  std::map<uint64_t, route_actor> routes;  // registered routes, by rid
};

using sublist_pointer = sublist_actor::stateful_pointer<sublist_state>;

// Encodes what routes must hear for one key whose local count went from `before` to `after`:
// plain interest on 0->1 and 1->0, queue interest on every weight change.
void encode_transition(std::vector<char>& out, const std::string& subject, const std::string& queue,
                       int64_t before, int64_t after) {
  if (queue.empty()) {
    if (before == 0 && after > 0) proto::append_remote_sub(out, global_account, subject, {}, 0);
    if (before > 0 && after == 0) proto::append_remote_unsub(out, global_account, subject, {});
    return;
  }
  if (after > 0 && after != before)
    proto::append_remote_sub(out, global_account, subject, queue, static_cast<int32_t>(after));
  if (before > 0 && after == 0) proto::append_remote_unsub(out, global_account, subject, queue);
}

void apply_changes(sublist_pointer self, const std::vector<interest_change>& changes) {
  auto& st = self->state;
  std::vector<char> out;
  for (const auto& ch : changes) {
    auto key = std::make_pair(ch.subject, ch.queue);
    const int64_t before = st.interest[key];
    const int64_t after = before + ch.delta;
    GNATSD_ASSERT(after >= 0);
    if (after == 0)
      st.interest.erase(key);
    else
      st.interest[key] = after;
    encode_transition(out, ch.subject, ch.queue, before, after);
  }
  if (out.empty()) return;
  // Every route hears the transitions in the order they happened: this actor is the only
  // sender of interest to routes, and CAF keeps one sender's messages in order.
  const std::string bytes{out.begin(), out.end()};
  for (auto& [rid, route] : st.routes)
    self->send(route, route_send_atom_v, bytes);
}

std::string snapshot(const sublist_state& st) {
  std::vector<char> out;
  for (const auto& [key, count] : st.interest)
    encode_transition(out, key.first, key.second, 0, count);
  return std::string{out.begin(), out.end()};
}

sublist_actor::behavior_type sublist_behavior(sublist_pointer self, server_context_ptr context) {
  self->state.context = std::move(context);
  return {
      [=](interest_atom, std::vector<interest_change>& changes) { apply_changes(self, changes); },
      [=](add_route_atom, uint64_t rid, route_actor route) {
        // The full local interest first, then every later change: all from this actor.
        self->send(route, snapshot_atom_v, snapshot(self->state));
        self->state.routes[rid] = std::move(route);
      },
      [=](remove_route_atom, uint64_t rid) { self->state.routes.erase(rid); },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.interest.size()); },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

sublist_actor spawn_sublist_actor(caf::actor_system& sys, server_context_ptr context) {
  return sys.spawn(sublist_behavior, std::move(context));
}

}  // namespace gnatsd
