// The accounts of one server, by name: `$G` always, the config's accounts and the system
// account. Sessions look an account up when a client logs in and routes when a peer names
// one; a config reload changes the set while they run, so lookups take a lock. The global
// account never changes and is reached without one.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/account.hpp"
#include "config/options.hpp"
#include "routing/interest_change.hpp"
#include "sublist/sublist.hpp"

namespace gnatsd {

class account_registry {
 public:
  account_registry();

  /// `$G`, the account of users outside any account (and of everyone without accounts).
  const account_ptr& global() const { return global_; }
  /// The account named `name`, or null.
  account_ptr find(std::string_view name) const;
  /// The system account, or null (no_sys_acc).
  account_ptr system() const;
  /// Every account, ordered by name.
  std::vector<account_ptr> all() const;

  /// Makes the set exactly `$G`, `o.accounts` and the system account, with their imports and
  /// internal subscriptions. Accounts that stay keep their object (and so their
  /// subscriptions); a removed one lives on while anything still holds it. `server_id` seeds
  /// the reply prefixes of service exports (`_R_.<6 chars>.`, one per account and server).
  void configure(const server_options& o, const std::string& server_id);

  /// The interest changes of internal subscriptions since the last call (response
  /// subscriptions of service exports, which other servers must route responses to).
  std::vector<interest_change> take_interest_changes();

  /// Bumped by every configure: what a connection learned about names may have changed.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  /// Whether any service import measures latency (an export has `latency`): the system
  /// service then listens for other servers' halves and reports timeouts.
  bool tracks_latency() const { return tracks_latency_.load(std::memory_order_acquire); }

  /// The sublist statistics of every account added up (/varz, /subsz).
  sublist_stats subscription_stats() const;

 private:
  account_ptr global_;
  mutable std::mutex mutex_;
  std::map<std::string, account_ptr, std::less<>> by_name_;
  std::string system_name_;
  std::shared_ptr<subscriber> internal_owner_;
  std::map<std::string, subscription_ptr> response_subs_;  // by exporting account's name
  std::vector<interest_change> changes_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> tracks_latency_{false};

  void configure_imports(const server_options& o);
  void add_system_imports(std::map<std::string, account_imports>& imports);
  void configure_mappings(const server_options& o);
  void configure_response_subscriptions(const server_options& o, const std::string& server_id);
};

}  // namespace gnatsd
