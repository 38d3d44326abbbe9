// An account: one isolated subject space, as in nats-server 2.x. Every client logs in to one
// account and publishes and subscribes in its sublist only; routes carry the account's name
// on each RS+/RS-/RMSG so that the same isolation holds across the cluster. `$G` is the
// global account of users outside any account; `$SYS` the system account.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "sublist/sublist.hpp"

namespace gnatsd {

class account : public std::enable_shared_from_this<account> {
 public:
  explicit account(std::string name) : name_(std::move(name)) {}
  account(const account&) = delete;
  account& operator=(const account&) = delete;

  const std::string& name() const { return name_; }
  sublist& subscriptions() { return subscriptions_; }
  const sublist& subscriptions() const { return subscriptions_; }

  /// Clients logged in to this account now (nats-server's account connections).
  std::atomic<int64_t> client_connections{0};

 private:
  std::string name_;
  sublist subscriptions_;
};

using account_ptr = std::shared_ptr<account>;

}  // namespace gnatsd
