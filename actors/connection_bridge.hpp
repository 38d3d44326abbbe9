// Adapters that turn calls from outside a connection's actor into messages to it: network
// events from the transport, and deliveries from other connections' publishers. Both are
// thread-safe because `anon_send` is. They work for any actor whose interface accepts the
// network and delivery messages (client sessions and routes).
#pragma once

#include <caf/send.hpp>

#include "actors/messages.hpp"
#include "net/transport.hpp"
#include "sublist/subscription.hpp"

namespace gnatsd {

/// Bytes written are not a message: the transport counts them into the owner's
/// subscriber::written (an atomic), which the owner reads when it needs to and producers read
/// to see a stalled destination drain. A message per completed write cost a thread wake-up
/// each, for news that is almost always "all written".
template <class Handle>
class connection_events final : public net::connection_handler {
 public:
  connection_events(Handle target, std::shared_ptr<subscriber> owner)
      : target_(std::move(target)), owner_(std::move(owner)) {}
  void on_bytes(std::vector<char> data) override {
    caf::anon_send(target_, net_bytes_atom_v, std::move(data));
  }
  void on_flushed(size_t bytes) override {
    owner_->written.fetch_add(static_cast<int64_t>(bytes), std::memory_order_release);
  }
  void on_closed(std::string reason) override {
    caf::anon_send(target_, net_closed_atom_v, std::move(reason));
  }
  void on_tls(net::tls_outcome outcome) override {
    caf::anon_send(target_, net_tls_atom_v, std::move(outcome));
  }
  void on_timer(net::timer_kind kind) override {
    switch (kind) {
      case net::timer_kind::ping:
        caf::anon_send(target_, ping_timer_atom_v);
        break;
      case net::timer_kind::auth:
        caf::anon_send(target_, auth_timer_atom_v);
        break;
      case net::timer_kind::write_check:
        caf::anon_send(target_, deadline_timer_atom_v);
        break;
    }
  }

 private:
  Handle target_;
  std::shared_ptr<subscriber> owner_;
};

/// The subscriber standing for a client session or a route in the sublist.
template <class Handle>
class actor_subscriber final : public subscriber {
 public:
  actor_subscriber(uint64_t id, bool is_route, Handle target)
      : subscriber(id, is_route), target_(std::move(target)) {}
  actor_subscriber(uint64_t id, subscriber_kind kind, Handle target)
      : subscriber(id, kind), target_(std::move(target)) {}
  void deliver(delivery_batch batch) override {
    caf::anon_send(target_, deliver_atom_v, std::move(batch.bytes), batch.messages);
  }
  void subscription_expired(uint64_t subscription_id) override;

 private:
  Handle target_;
};

template <>
inline void actor_subscriber<session_actor>::subscription_expired(uint64_t subscription_id) {
  caf::anon_send(target_, expired_atom_v, subscription_id);
}

template <>
inline void actor_subscriber<route_actor>::subscription_expired(uint64_t) {
  // A route's subscriptions stand for remote interest and have no auto-unsubscribe limit.
}

}  // namespace gnatsd
