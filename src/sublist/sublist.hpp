// The subject index: a trie of subject tokens mapping a literal subject to the plain and
// queue subscriptions that match it.
//
// Mirrors nats-server's sublist.go: each level has a map of literal tokens plus dedicated
// `*` and `>` children. Matching never allocates for the walk itself; results are shared and
// immutable so that sessions can cache them (keyed by subject, valid while `generation()` is
// unchanged) and publish without asking another actor (no actor message on the publish
// path).
//
// Thread safety: one sublist is shared by all sessions of a server. Inserts and removes take
// the write lock and bump the generation; matches take the read lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sublist/subscription.hpp"

namespace gnatsd {

struct queue_group {
  std::string name;
  std::vector<subscription_ptr> members;
};

struct match_result {
  std::vector<subscription_ptr> plain;
  std::vector<queue_group> queues;

  bool empty() const { return plain.empty() && queues.empty(); }
};

using match_result_ptr = std::shared_ptr<const match_result>;

struct sublist_stats {
  uint64_t subscriptions = 0;
  uint64_t inserts = 0;
  uint64_t removes = 0;
  uint64_t matches = 0;        // lookups, whether a match cache or the trie answered
  uint64_t cache_hits = 0;     // lookups a connection's match cache answered
  uint64_t cache_entries = 0;  // entries in all match caches
};

class sublist {
 public:
  sublist();
  ~sublist();
  sublist(const sublist&) = delete;
  sublist& operator=(const sublist&) = delete;

  /// Inserts `sub`; its subject must be a valid subscription subject (checked by the caller,
  /// asserted here).
  void insert(const subscription_ptr& sub);

  /// Removes `sub`; returns false if it was not present.
  bool remove(const subscription_ptr& sub);

  /// All subscriptions matching the literal `subject`. Never null; an invalid subject (empty
  /// token) yields the shared empty result.
  match_result_ptr match(std::string_view subject) const;

  /// Bumped on every insert and remove; caches keyed by subject are valid while it is
  /// unchanged.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  sublist_stats stats() const;
  /// The per-connection match caches in front of this sublist report their use here (once
  /// per read buffer, not per message): lookups they answered, and the change in entries.
  void note_cache_use(uint64_t hits, int64_t entries_delta);

  /// Calls `fn` for every subscription, under the read lock (for monitoring and checks, not
  /// for the hot path; `fn` must not touch the sublist).
  void for_each(const std::function<void(const subscription&)>& fn) const;

  // The trie's node types; opaque outside sublist.cpp.
  struct node;
  struct level;

 private:
  std::unique_ptr<level> root_;
  mutable std::shared_mutex mutex_;
  std::atomic<uint64_t> generation_{0};
  uint64_t count_ = 0;
  uint64_t inserts_ = 0;
  uint64_t removes_ = 0;
  mutable std::atomic<uint64_t> matches_{0};
  std::atomic<uint64_t> cache_hits_{0};
  std::atomic<int64_t> cache_entries_{0};
};

}  // namespace gnatsd
