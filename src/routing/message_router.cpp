#include "routing/message_router.hpp"

#include <algorithm>

#include "accounts/subject_mapping.hpp"
#include "auth/permissions.hpp"
#include "auth/reply_permits.hpp"
#include "proto/identity.hpp"
#include "proto/msg_encoder.hpp"
#include "proto/route_encoder.hpp"
#include "routing/producer_stall.hpp"
#include "util/assert.hpp"
#include "util/buffer_pool.hpp"

namespace gnatsd {
namespace {

constexpr size_t cache_entries_max = 512;
constexpr size_t account_caches_max = 64;  // a route whose peer uses more starts over

// A member's chance in the first pick: a route's member stands for `weight` members. A
// leafnode's or a remote cluster's is served only when this cluster has none (serve_group).
int32_t weight_of(const subscription& sub) {
  if (sub.owner->is_gateway() || sub.owner->is_leaf()) return 0;
  if (!sub.owner->is_route()) return 1;
  return std::max<int32_t>(1, sub.weight.load(std::memory_order_relaxed));
}

// The chance of a leafnode's member among the leafnode members, when this cluster has none.
int32_t leaf_weight_of(const subscription& sub) {
  if (!sub.owner->is_leaf()) return 0;
  return std::max<int32_t>(1, sub.weight.load(std::memory_order_relaxed));
}

bool named(const std::vector<std::string_view>* queues, std::string_view name) {
  return queues != nullptr && std::find(queues->begin(), queues->end(), name) != queues->end();
}

}  // namespace

message_router::account_cache& message_router::cache_for(account& acc) {
  if (current_cache_ != nullptr && current_cache_->acc.get() == &acc) return *current_cache_;
  for (auto& c : caches_)
    if (c.acc.get() == &acc) return *(current_cache_ = &c);
  if (caches_.size() >= account_caches_max) {
    for (auto& c : caches_)
      report_cache_use(c, true);
    caches_.clear();
  }
  caches_.push_back(account_cache{acc.shared_from_this(), {}, ~0ull, nullptr, 0, 0});
  return *(current_cache_ = &caches_.back());
}

const match_result_ptr& message_router::match(account& acc, std::string_view subject) {
  account_cache& c = cache_for(acc);
  const uint64_t generation = acc.subscriptions().generation();
  if (generation != c.generation) {
    c.entries_delta -= static_cast<int64_t>(c.entries.size());
    c.entries.clear();
    c.last = nullptr;
    c.generation = generation;
  }
  // Publishers mostly repeat a subject: compare with the last one before hashing.
  if (c.last != nullptr && subject == c.last->first) {
    ++c.hits;
    return c.last->second;
  }
  cache_key_.assign(subject.data(), subject.size());
  auto it = c.entries.find(cache_key_);
  if (it != c.entries.end()) {
    ++c.hits;
  } else {
    if (c.entries.size() >= cache_entries_max) {
      c.entries_delta -= static_cast<int64_t>(c.entries.size());
      c.entries.clear();
    }
    ++c.entries_delta;
    it = c.entries.emplace(cache_key_, acc.subscriptions().match(subject)).first;
  }
  c.last = &*it;  // unordered_map nodes stay put until erased
  return it->second;
}

// Tells the account's sublist how its cache here was used; `closing`: the cache goes away,
// so its entries leave the count too.
void message_router::report_cache_use(account_cache& c, bool closing) {
  const int64_t gone = closing ? static_cast<int64_t>(c.entries.size()) : 0;
  c.acc->subscriptions().note_cache_use(c.hits, c.entries_delta - gone);
  c.hits = 0;
  c.entries_delta = 0;
}

std::vector<char>& message_router::batch_for(const subscription_ptr& sub) {
  return batch_for_owner(sub->owner);
}

std::vector<char>& message_router::batch_for_owner(const std::shared_ptr<subscriber>& owner) {
  auto [it, fresh] = batch_index_.try_emplace(owner.get(), batches_.size());
  if (fresh) {
    batches_.push_back(pending_batch{owner, delivery_batch{}});
    batches_.back().batch.bytes = buffer_pool::shared().take(batch_reserve_);
  }
  auto& pb = batches_[it->second];
  ++pb.batch.messages;
  return pb.batch.bytes;
}

size_t message_router::route(const proto::message_view& m, const message_origin& origin) {
  GNATSD_ASSERT(origin.acc != nullptr);
  account& acc = *origin.acc;
  // A client's answer to a routed reply goes straight to the cluster that asked.
  const bool routed = !origin.remote() && gateway_reply::is_routed(m.subject);
  size_t sent_back = 0;
  if (routed && ctx_.gateways_enabled() && send_routed_reply(m, origin)) sent_back = 1;
  const match_result_ptr& cached = match(acc, m.subject);
  // A peer in optimistic mode takes a client's messages without announced interest.
  const bool trusting =
      !origin.remote() && !routed && ctx_.optimistic_gateways.load(std::memory_order_acquire);
  if (cached->plain.empty() && cached->queues.empty() && !trusting) return sent_back;
  // Hold the result: delivering may expire a subscription, which changes the sublist
  // generation and would clear the cache entry being iterated.
  const match_result_ptr holder = cached;
  const match_result& result = *holder;
  target_count_ = 0;
  size_t delivered = sent_back;
  std::vector<const subscription*> crossings;  // internal subscriptions it matched
  for (const auto& sub : result.plain) {
    if (sub->internal) {
      // A service import takes the requests published here, not those a route brings (the
      // requester's server carried them over already); responses come back from anywhere.
      if (sub->responses_of != nullptr || !(origin.from_route || origin.from_gateway)) {
        crossings.push_back(sub.get());
        ++delivered;
      }
      continue;
    }
    if (sub->owner->is_route()) {
      // One hop: a message that came from a route never goes to another route; nor does one
      // from our hub (every server of a leaf cluster has its own link to the hub).
      if (!origin.from_route && !origin.from_spoke() &&
          !sub->closed.load(std::memory_order_acquire))
        target_for(sub);
      continue;
    }
    if (sub->owner->is_gateway()) {
      // Only a client's or a leafnode's message crosses to another cluster (and a routed
      // reply went above).
      if (!origin.from_route && !origin.from_gateway && !routed &&
          !sub->closed.load(std::memory_order_acquire))
        target_for(sub);
      continue;
    }
    if (sub->owner->is_leaf()) {
      if (leaf_may_take(*sub, m, origin)) target_for(sub);
      continue;
    }
    if (deliver_local(sub, m, origin)) ++delivered;
  }
  if (trusting) trust_gateways(acc, m.subject);
  for (const auto& group : result.queues) {
    // From a route, gateway or leafnode, only the groups the sender chose for us are served.
    if (origin.remote() && !named(origin.queues, group.name)) continue;
    if (serve_group(group, m, origin)) ++delivered;
  }
  std::string_view gateway_reply;  // the reply gateways get: routed or not, decided once
  bool gateway_reply_known = false;
  for (size_t i = 0; i < target_count_; ++i) {
    // Exactly one RMSG per route or gateway, carrying every queue group chosen for it. A
    // group served remotely was already counted above; plain interest counts here.
    auto& t = targets_[i];
    if ((*t.any_sub)->owner->is_gateway() && !m.reply.empty()) {
      proto::message_view out = m;
      if (!gateway_reply_known) {
        gateway_reply = gateway_reply_for(m, origin);
        gateway_reply_known = true;
      }
      out.reply = gateway_reply;
      proto::append_routed_message(batch_for(*t.any_sub), acc.name(), out, t.queues);
    } else {
      append_for_target(t, m, origin, acc);
    }
    if (t.queues.empty()) ++delivered;
  }
  // Last, once this account's deliveries are done (they reuse the route targets).
  for (const subscription* c : crossings)
    cross_accounts(*c, m, origin);
  return delivered;
}

message_router::route_target& message_router::target_for(const subscription_ptr& route_sub) {
  for (size_t i = 0; i < target_count_; ++i)
    if ((*targets_[i].any_sub)->owner == route_sub->owner) return targets_[i];
  if (target_count_ == targets_.size()) targets_.emplace_back();
  auto& t = targets_[target_count_++];
  t.any_sub = &route_sub;
  t.queues.clear();
  return t;
}

size_t message_router::weighted_start(const queue_group& group,
                                      int32_t (*weight)(const subscription&)) {
  // A route's member counts `weight` times, so a server with five members is five times as
  // likely to be chosen as one local member.
  const auto& members = group.members;
  int64_t total = 0;
  for (const auto& m : members)
    total += weight(*m);
  if (total == 0) return 0;  // nobody of that kind has members
  int64_t r = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(total)));
  size_t start = 0;
  while (start + 1 < members.size() && (r -= weight(*members[start])) >= 0)
    ++start;
  return start;
}

bool message_router::serve_group(const queue_group& group, const proto::message_view& msg,
                                 const message_origin& origin) {
  const auto& members = group.members;
  const size_t n = members.size();
  GNATSD_ASSERT(n > 0);
  // This cluster's members first: the first from a weighted start that accepts (closed or
  // used-up members are skipped).
  const size_t start = weighted_start(group, weight_of);
  for (size_t i = 0; i < n; ++i) {
    const subscription_ptr& m = members[(start + i) % n];
    if (m->owner->is_gateway() || m->owner->is_leaf()) continue;
    if (m->owner->is_route()) {
      // A routed message is served by local members only (one hop), and our hub's message
      // stays off routes.
      if (origin.from_route || origin.from_spoke() || m->closed.load(std::memory_order_acquire))
        continue;
      target_for(m).queues.push_back(group.name);
      return true;
    }
    if (deliver_local(m, msg, origin)) return true;
  }
  // Then a leafnode's member, picked by the leafnodes' weights.
  const size_t leaf_start = weighted_start(group, leaf_weight_of);
  for (size_t i = 0; i < n; ++i) {
    const subscription_ptr& m = members[(leaf_start + i) % n];
    if (!m->owner->is_leaf() || !leaf_may_take(*m, msg, origin)) continue;
    target_for(m).queues.push_back(group.name);
    return true;
  }
  return serve_group_remotely(group, origin);
}

bool message_router::deliver_local(const subscription_ptr& sub, const proto::message_view& m,
                                   const message_origin& origin) {
  if (!sub->deliver_as) return deliver_to(sub, m, origin);
  // A stream import's shadow: the importer reads the message under its own subject.
  sub->deliver_as->forward_into(m.subject, mapped_subject_);
  proto::message_view mapped = m;
  mapped.subject = mapped_subject_;
  return deliver_to(sub, mapped, origin);
}

bool message_router::deliver_to(const subscription_ptr& sub, const proto::message_view& m,
                                const message_origin& origin) {
  subscriber* owner = sub->owner.get();
  const bool own = owner == origin.self;
  if (own && !origin.echo) return false;
  if (const auto* deny = sub->deny_filter(); deny && denied(*deny, m.subject)) return false;
  bool last = false;
  if (!sub->reserve_delivery(last)) return false;
  std::vector<char>& out = own ? *origin.self_out : batch_for(sub);
  const bool hmsg = m.headers && owner->headers.load(std::memory_order_acquire);
  // A client is handed a routed reply in its plain form, and remembers the routed one.
  const bool routed_reply = gateway_reply::is_routed(m.reply);
  proto::message_view plain;
  if (routed_reply) {
    owner->gateway_replies.record(m.reply, now_.count());
    plain = m;
    plain.reply = gateway_reply::original(m.reply);
  }
  const proto::message_view& sent = routed_reply ? plain : m;
  if (hmsg) {
    proto::append_hmsg(out, sent, sub->sid);
  } else {
    proto::append_msg(out, sent, sub->sid);
  }
  if (ctx_.log->trace) trace_out(*sub, sent, hmsg);
  if (!sent.reply.empty() && owner->tracks_replies.load(std::memory_order_acquire))
    if (const auto permits = owner->replies()) permits->record(sent.reply, now_);
  // A tracked request from another server: its responder's answer is timed here (the
  // responder's half of service latency; a client's own, never a route's or the system's).
  if (origin.remote() && m.reply.size() > 15 && is_tracked_reply(m.reply) && !owner->is_remote() &&
      owner->cid() != 0)
    owner->latency_replies.record(m.reply, origin.acc->name(), now_.count());
  if (own) ++self_deliveries_;
  if (last) {
    if (own)
      expired_own_.push_back(sub);
    else
      owner->subscription_expired(sub->id);
  }
  return true;
}

message_router::~message_router() {
  for (auto& c : caches_)
    report_cache_use(c, true);
}

void message_router::flush() {
  for (auto& c : caches_)
    report_cache_use(c, false);
  size_t largest = 0;
  const int64_t mark = stall_threshold(max_pending_);
  stalled_.clear();
  for (auto& pb : batches_) {
    const size_t size = pb.batch.bytes.size();
    largest = std::max(largest, size);
    subscriber& target = *pb.target;
    // Counted before the hand-over, so the owner never sees its own receipt first. Routes
    // stall their producers like clients do (nats-server's stall gate covers every kind).
    target.in_transit.fetch_add(static_cast<int64_t>(size), std::memory_order_relaxed);
    if (mark > 0 && target.backlog() > mark)
      stalled_.push_back({pb.target, target.written.load(std::memory_order_relaxed)});
    target.deliver(std::move(pb.batch));
  }
  // Size the next read's batches like this one's, so steady traffic does not regrow them.
  if (largest > 0) batch_reserve_ = std::min<size_t>(largest + largest / 4, 1 << 20);
  batches_.clear();
  batch_index_.clear();
}

duration message_router::stall_wait() const {
  int64_t worst = 0;
  for (const auto& s : stalled_)
    worst = std::max(worst, s.target->backlog());
  return gnatsd::stall_wait(worst, max_pending_);
}

bool message_router::stall_holds() const {
  for (const auto& s : stalled_)
    if (s.target->is_route() && s.target->backlog() >= route_hold_mark(max_pending_)) return true;
  return false;
}

bool message_router::stall_progressing() const {
  for (const auto& s : stalled_)
    if (s.target->backlog() > 0 &&
        s.target->written.load(std::memory_order_relaxed) != s.written_at_stall)
      return true;
  return false;
}

bool message_router::stall_cleared() {
  const int64_t mark = stall_threshold(max_pending_);
  for (const auto& s : stalled_)
    if (s.target->backlog() > mark) return false;
  stalled_.clear();
  return true;
}

uint64_t message_router::take_self_deliveries() {
  const uint64_t n = self_deliveries_;
  self_deliveries_ = 0;
  return n;
}

void message_router::trace_out(const subscription& sub, const proto::message_view& m, bool hmsg) {
  const size_t header_size = hmsg ? m.header_size : 0;
  const size_t total = hmsg ? m.message.size() : m.payload().size();
  std::string line = sub.owner->log_prefix + "->> [" + (header_size > 0 ? "HMSG " : "MSG ");
  line += std::string{m.subject} + " " + sub.sid + " ";
  if (!m.reply.empty()) line += std::string{m.reply} + " ";
  if (header_size > 0) line += std::to_string(header_size) + " ";
  line += std::to_string(total) + "]";
  ctx_.log->log(log_level::trace, line);
}

}  // namespace gnatsd
