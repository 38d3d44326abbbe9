// An account: one isolated subject space, as in nats-server 2.x. Every client logs in to one
// account and publishes and subscribes in its sublist only; routes carry the account's name
// on each RS+/RS-/RMSG so that the same isolation holds across the cluster. `$G` is the
// global account of users outside any account; `$SYS` the system account.
//
// Messages cross accounts only through imports (docs/ARCHITECTURE.md, "Accounts"):
// - a stream import gives each subscription of the importer a shadow in the exporter's
//   sublist (stream_shadows.hpp), whose messages are delivered under the mapped subject;
// - a service import is an internal subscription in the importer's sublist: a request
//   published on it is carried over to the exporter with a reply subject of the exporter's
//   (service_responses.hpp), whose response comes back through the exporter's internal
//   response subscription.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "accounts/response_type.hpp"
#include "accounts/service_responses.hpp"
#include "accounts/subject_mapping.hpp"
#include "accounts/subject_mappings.hpp"
#include "sublist/sublist.hpp"

namespace gnatsd {

class account;

struct stream_import_rule {
  std::weak_ptr<account> exporter;  // weak: accounts may import from each other
  subject_mapping mapping;          // exporter's subjects -> how the importer reads them
};

struct service_import_rule {
  std::weak_ptr<account> exporter;
  subject_mapping mapping;  // exporter's subject <- the subject the importer publishes on
  response_type response = response_type::singleton;
  duration threshold = std::chrono::minutes{2};
  std::shared_ptr<const latency_tracking> latency;  // the export's `latency`, if any
  bool share = false;  // the import's `share`: the exporter sees the requester's details
};

/// An account's imports, replaced as a whole by a config reload.
struct account_imports {
  std::vector<stream_import_rule> streams;
  std::vector<std::shared_ptr<const service_import_rule>> services;
};

class account : public std::enable_shared_from_this<account> {
 public:
  explicit account(std::string name) : name_(std::move(name)) {}
  account(const account&) = delete;
  account& operator=(const account&) = delete;

  const std::string& name() const { return name_; }
  sublist& subscriptions() { return subscriptions_; }
  const sublist& subscriptions() const { return subscriptions_; }

  /// What this account imports (read by sessions on any thread).
  std::shared_ptr<const account_imports> imports() const { return std::atomic_load(&imports_); }
  void set_imports(account_imports imports) {
    std::atomic_store(&imports_, std::shared_ptr<const account_imports>(
                                     std::make_shared<account_imports>(std::move(imports))));
  }
  /// The replies its service exports wait for.
  service_responses& responses() { return responses_; }

  /// Its `mappings`: publishers check the flag on every message and load them only when set
  /// (an atomic shared_ptr load takes a lock in libstdc++).
  bool has_mappings() const { return has_mappings_.load(std::memory_order_acquire); }
  std::shared_ptr<const subject_mappings> mappings() const { return std::atomic_load(&mappings_); }
  void set_mappings(std::shared_ptr<const subject_mappings> m) {
    const bool any = m && !m->empty();
    std::atomic_store(&mappings_, std::move(m));
    has_mappings_.store(any, std::memory_order_release);
  }

  /// Clients logged in to this account now (nats-server's account connections), and since
  /// the start.
  std::atomic<int64_t> client_connections{0};
  /// Leafnode connections bound to this account now (the server actor counts them).
  std::atomic<int64_t> leafnode_connections{0};
  std::atomic<uint64_t> total_connections{0};
  /// What its clients published (received) and were sent, as /accstatz reports them;
  /// added once per read buffer and per write, as the server's counters.
  std::atomic<uint64_t> received_msgs{0}, received_bytes{0}, sent_msgs{0}, sent_bytes{0};
  std::atomic<uint64_t> slow_consumers{0};

  /// Its `limits` (-1: none), set by the registry; read by clients as they log in.
  std::atomic<int64_t> max_connections{-1}, max_subscriptions{-1}, max_payload{-1};

  /// The registry's internal subscriptions in this account's sublist (service imports and
  /// the response subscription); touched by the registry only, under its lock.
  std::vector<subscription_ptr> internal_subscriptions;

 private:
  std::shared_ptr<const subject_mappings> mappings_;
  std::atomic<bool> has_mappings_{false};
  std::string name_;
  sublist subscriptions_;
  std::shared_ptr<const account_imports> imports_ = std::make_shared<account_imports>();
  service_responses responses_;
};

using account_ptr = std::shared_ptr<account>;

}  // namespace gnatsd
