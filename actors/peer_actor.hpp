// The handlers every actor of a connection to another server has - route, gateway and
// leafnode actors share one typed interface (route_actor) and these behaviours: a read
// buffer is handed to the connection and the buffer returned with the read credit, TLS
// outcomes, closes, delivery batches, protocol to send (interest, gossip, the interest
// actor's snapshot), registration, the keepalive, auth and write-deadline timers, reloads
// and shutdown. Each actor's Traits say what differs: its connection type, what it sends on
// after each event (emit) and when it ends (finish), its timers, how it takes a TLS outcome
// and a close. Private to the actor implementations (it includes CAF).
#pragma once

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace gnatsd {

/// The actor clock's time (the steady clock in production, virtual in the simulator).
template <class Pointer>
duration actor_now(Pointer self) {
  return std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch());
}

template <class Traits>
route_actor::behavior_type peer_handlers(typename Traits::pointer self) {
  using connection = typename Traits::connection;
  // Acts on a live connection, then sends on what it produced.
  auto live = [self](auto&& act) {
    auto& s = self->state;
    if (s.finished) return;
    act(*s.conn);
    Traits::emit(self);
  };
  return {
      [=](net_bytes_atom, std::vector<char>& data) {
        auto& s = self->state;
        if (s.finished) return;
        s.conn->set_now(actor_now(self));
        s.conn->receive(data.data(), data.size());
        Traits::emit(self);
        if (!s.finished) s.config.connection->resume_reading(std::move(data));
      },
      [=](net_tls_atom, net::tls_outcome& tls) {
        live([&](connection& c) { Traits::tls_done(c, tls); });
      },
      [=](net_closed_atom, std::string& reason) {
        auto& s = self->state;
        if (s.finished) return;
        Traits::lose(*s.conn, reason);
        Traits::finish(self);
      },
      [=](deliver_atom, std::vector<char>& bytes, uint64_t messages) {
        live([&](connection& c) { c.deliver(delivery_batch{std::move(bytes), messages}); });
      },
      [=](route_send_atom, std::string& bytes) { live([&](connection& c) { c.send(bytes); }); },
      [=](snapshot_atom, std::string& bytes) {
        live([&](connection& c) {
          c.send(bytes);
          Traits::snapshot_sent(self, c);
        });
      },
      [=](registered_atom) { live([](connection& c) { c.registered(); }); },
      [=](refused_atom, std::string& why) { live([&](connection& c) { c.refused(why); }); },
      [=](ping_timer_atom) {
        live([&](connection& c) {
          c.set_now(actor_now(self));
          c.ping_timer();
        });
      },
      [=](reload_atom) {
        // A reload changed the limits: the keepalive and write-deadline ticks follow them.
        auto& s = self->state;
        if (!s.finished)
          s.config.connection->set_timers(Traits::timers(*s.config.context->current_limits()));
      },
      [=](auth_timer_atom) { live([](connection& c) { c.auth_timer(); }); },
      [=](deadline_timer_atom) {
        live([&](connection& c) { c.write_deadline_check(actor_now(self)); });
      },
      [=](shutdown_atom) {
        auto& s = self->state;
        if (s.finished) return;
        Traits::lose(*s.conn, "Server Shutdown");
        Traits::finish(self);
      },
  };
}

}  // namespace gnatsd
