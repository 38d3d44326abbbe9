// Adapters that turn calls from outside a session actor into messages to it: network events
// from the transport, and deliveries from other sessions' publishers. Both are thread-safe
// because `anon_send` is.
#pragma once

#include "actors/messages.hpp"
#include "net/transport.hpp"
#include "sublist/subscription.hpp"

namespace gnatsd {

class session_events final : public net::connection_handler {
 public:
  explicit session_events(session_actor target) : target_(std::move(target)) {}
  void on_bytes(std::vector<char> data) override;
  void on_flushed(size_t bytes) override;
  void on_closed(std::string reason) override;

 private:
  session_actor target_;
};

class session_subscriber final : public subscriber {
 public:
  session_subscriber(uint64_t cid, session_actor target)
      : subscriber(cid), target_(std::move(target)) {}
  void deliver(delivery_batch batch) override;
  void subscription_expired(uint64_t subscription_id) override;

 private:
  session_actor target_;
};

}  // namespace gnatsd
