// The server's aggregated local interest: how many local subscriptions exist per
// (account, subject, queue) - nats-server's `acc.rm` of each account - and the RS+/RS- that routes
// must hear when a count changes: plain interest on 0->1 and 1->0, queue interest on every weight
// change (with the new weight), RS- when a queue's weight reaches 0.
//
// Applying changes returns the protocol lines in the order of the transitions, which is the
// order each route must receive them (reordering them loses interest in real clusters).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "auth/permissions.hpp"
#include "routing/interest_change.hpp"

namespace gnatsd {

class interest_table {
 public:
  /// Cluster `permissions { import }`: interest in subjects this server may not import is
  /// never announced (nats-server's canImport). Null: everything is.
  void set_import_filter(std::shared_ptr<const permission_checker> filter) {
    import_filter_ = std::move(filter);
  }

  /// Whether routes hear of interest from this source: local clients and leafnodes we are
  /// the hub of (nats-server's updateRouteSubscriptionMap).
  static bool announced(interest_source s) {
    return s == interest_source::client || s == interest_source::leaf_hub;
  }

  /// Applies local subscription changes (others are skipped); returns the RS+/RS- lines they
  /// cause.
  std::string apply(const std::vector<interest_change>& changes);

  /// RS+ lines for all current interest (sent to a route when it registers).
  std::string snapshot() const;

  size_t keys() const { return counts_.size(); }
  int64_t count(const std::string& account, const std::string& subject,
                const std::string& queue = {}) const;

  using key = std::tuple<std::string, std::string, std::string>;  // account, subject, queue

 private:
  // Per key, the count and the same by leafnode cluster ("" for interest of no leafnode
  // cluster). Routes hear a key whose interest all comes from one leafnode cluster as
  // `LS+ <origin> ...`, so that no server tells that cluster its own interest back; a key with
  // interest from anywhere else is plain RS+ (an announcement is repeated when that changes).
  struct entry {
    int64_t count = 0;
    std::map<std::string, int64_t> by_origin;
  };
  std::map<key, entry> counts_;
  std::shared_ptr<const permission_checker> import_filter_;
  bool importable(const key& k) const;
  static std::string origin_of(const entry& e);
};

}  // namespace gnatsd
