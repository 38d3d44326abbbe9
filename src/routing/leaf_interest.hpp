// The interest each leafnode connection is told of (nats-server's per-leaf `smap`): the
// subscriptions of its account that its side may see, counted per "<subject>[ <queue>]",
// announced with LS+ when a plain key goes 0->1 (LS- on 1->0) and on every change of a queue
// group's weight.
//
// Who a leafnode hears of (nats-server's initLeafNodeSmapAndSendSubs and updateSmap):
// - a leaf that dialled us (we are its hub): every subscription of the account - local
//   clients, routes' peers, other leafnodes, other clusters (outbound gateways) - except its
//   own and those whose leafnode cluster (origin) is its own cluster;
// - the hub we dialled (we are a spoke): only local clients and leafnodes we are the hub of,
//   never what routes or the hub itself told us (each server of a leaf cluster announces its
//   own clients to the hub over its own connection);
// - and never a subject its permissions keep it from (the `$LDS.` loop detection subject and
//   routed replies excepted).
// On top of that a new leafnode hears the account's loop detection subject, the subjects its
// service imports are published on, and with gateways `_GR_.>` (routed replies come back).
//
// The interest actor owns this table: every change of every source passes through it, in
// order, so a new leafnode's snapshot and the changes that follow never overlap or miss.
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

struct leaf_audience {
  uint64_t lid = 0;
  std::string account;
  std::string remote_cluster;  // the leafnode side's cluster name (may be empty)
  bool spoke = false;          // we dialled it: it is our hub
  /// What we may ask the other side for (interest we announce); null: everything.
  std::shared_ptr<const permission_checker> announce_filter;
  /// Subjects always announced on top of the interest: loop detection, service imports...
  std::vector<std::string> extra;
};

class leaf_interest {
 public:
  /// Applies interest changes of any source; returns the LS+/LS- lines per leafnode id, in
  /// the order of the changes.
  std::vector<std::pair<uint64_t, std::string>> apply(const std::vector<interest_change>& changes);

  /// Registers a leafnode and returns everything it must hear now.
  std::string add(leaf_audience audience);
  /// Forgets a leafnode and whatever interest it still had; returns the LS- lines that
  /// other leafnodes must hear for it.
  std::vector<std::pair<uint64_t, std::string>> remove(uint64_t lid);
  size_t leafs() const { return leafs_.size(); }

  /// The count a leafnode was told for a key (tests, invariants).
  int32_t told(uint64_t lid, const std::string& key) const;

  using key = std::tuple<std::string, std::string, std::string>;  // account, subject, queue

 private:
  struct contribution {
    interest_source source = interest_source::client;
    std::string origin;
    int64_t count = 0;
  };
  struct leaf_state {
    leaf_audience audience;
    std::map<std::string, int32_t> smap;
  };
  // Connection ids are unique per kind only (routes count their own): a source is both.
  using source_key = std::pair<interest_source, uint64_t>;
  bool counts_for(const leaf_state& l, const key& k, const source_key& source,
                  const contribution& c) const;
  void update(leaf_state& l, const key& k, int64_t delta, std::string& out) const;

  // Every subscription of every source: (account, subject, queue) -> source id -> count.
  std::map<key, std::map<source_key, contribution>> all_;
  std::map<uint64_t, leaf_state> leafs_;
};

/// "<subject>" or "<subject> <queue>": how LS+/LS- name interest.
std::string leaf_key(const std::string& subject, const std::string& queue);

/// The loop detection subject of an account on this server ("$LDS." and 22 characters),
/// derived from the server id and the account so that it is stable and the same seed gives
/// the same trace.
std::string loop_detection_subject(const std::string& server_id, const std::string& account);

}  // namespace gnatsd
