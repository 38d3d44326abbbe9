// Lame duck mode, as nats-server 2.9: stop accepting clients, tell routes and clients (INFO
// with "ldm" and connect_urls without us), wait lame_duck_grace_period, then close the
// clients one by one, spread over the rest of lame_duck_duration (at most 1 s apart), and
// shut down.
#include <algorithm>
#include <caf/all.hpp>

#include "actors/server_state.hpp"

namespace gnatsd {
namespace {

void finish_lame_duck(server_pointer self) {
  shutdown(self);
  if (self->state.context->exit_hook) self->state.context->exit_hook();
}

}  // namespace

void enter_lame_duck(server_pointer self, int client_port) {
  auto& st = self->state;
  // The context's flag is what sessions read for their INFO; membership keeps its own for
  // the URLs it hands out. Both are set here, and only here.
  if (st.shutting_down || st.context->lame_duck.exchange(true)) return;
  st.context->log->info("Entering lame duck mode, stop accepting new clients");
  st.transport->stop_listening(client_port);
  if (st.sessions.empty()) {
    finish_lame_duck(self);
    return;
  }
  carry_out(self, st.members->enter_lame_duck());
  for (const auto& [cid, s] : st.sessions)
    st.ldm_clients.push_back(cid);
  const auto o = st.context->current_options();
  duration spread = o->lame_duck_duration - o->lame_duck_grace_period;
  if (spread <= duration::zero()) spread = std::chrono::seconds{1};
  st.ldm_interval = std::clamp<duration>(spread / static_cast<int64_t>(st.ldm_clients.size()),
                                         duration{1}, std::chrono::seconds{1});
  self->delayed_send(self, o->lame_duck_grace_period, ldm_close_atom_v);
}

void close_next_lame_duck_client(server_pointer self) {
  auto& st = self->state;
  if (st.shutting_down) return;
  if (st.ldm_next == 0) st.context->log->info("Closing existing clients");
  while (st.ldm_next < st.ldm_clients.size()) {
    auto it = st.sessions.find(st.ldm_clients[st.ldm_next++]);
    if (it == st.sessions.end()) continue;  // gone by itself meanwhile
    self->send(it->second.actor, shutdown_atom_v);
    break;
  }
  if (st.ldm_next >= st.ldm_clients.size()) {
    finish_lame_duck(self);
    return;
  }
  // A random pause of at least half the interval, as nats-server picks it.
  const int64_t si = st.ldm_interval.count();
  const int64_t pause =
      si / 2 + static_cast<int64_t>(st.rng.below(static_cast<uint64_t>(si - si / 2)));
  self->delayed_send(self, duration{pause}, ldm_close_atom_v);
}

}  // namespace gnatsd
