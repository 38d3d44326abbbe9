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

template <class Handle>
class connection_events final : public net::connection_handler {
 public:
  explicit connection_events(Handle target) : target_(std::move(target)) {}
  void on_bytes(std::vector<char> data) override {
    caf::anon_send(target_, net_bytes_atom_v, std::move(data));
  }
  void on_flushed(size_t bytes) override {
    caf::anon_send(target_, net_flushed_atom_v, static_cast<uint64_t>(bytes));
  }
  void on_closed(std::string reason) override {
    caf::anon_send(target_, net_closed_atom_v, std::move(reason));
  }
  void on_tls(net::tls_outcome outcome) override {
    caf::anon_send(target_, net_tls_atom_v, std::move(outcome));
  }

 private:
  Handle target_;
};

/// The subscriber standing for a client session or a route in the sublist.
template <class Handle>
class actor_subscriber final : public subscriber {
 public:
  actor_subscriber(uint64_t id, bool is_route, Handle target)
      : subscriber(id, is_route), target_(std::move(target)) {}
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
