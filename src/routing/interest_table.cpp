#include "routing/interest_table.hpp"

#include "proto/route_encoder.hpp"
#include "util/assert.hpp"

namespace gnatsd {
namespace {

// `moved`: the key's leafnode origin changed while it had interest (announced again).
void encode_transition(std::vector<char>& out, const interest_table::key& k, int64_t before,
                       int64_t after, const std::string& origin, bool moved = false) {
  const auto& [account, subject, queue] = k;
  if (queue.empty()) {
    if ((before == 0 || moved) && after > 0)
      proto::append_remote_sub(out, account, subject, {}, 0, origin);
    if (before > 0 && after == 0) proto::append_remote_unsub(out, account, subject, {});
    return;
  }
  if (after > 0 && (after != before || moved))
    proto::append_remote_sub(out, account, subject, queue, static_cast<int32_t>(after), origin);
  if (before > 0 && after == 0) proto::append_remote_unsub(out, account, subject, queue);
}

}  // namespace

std::string interest_table::apply(const std::vector<interest_change>& changes) {
  std::vector<char> out;
  for (const auto& ch : changes) {
    if (!announced(ch.source)) continue;
    const auto it = counts_.try_emplace(key{ch.account, ch.subject, ch.queue}).first;
    entry& e = it->second;
    const int64_t before = e.count;
    const std::string was = origin_of(e);
    e.count += ch.delta;
    GNATSD_ASSERT(e.count >= 0);
    if ((e.by_origin[ch.origin] += ch.delta) <= 0) e.by_origin.erase(ch.origin);
    const std::string now = origin_of(e);
    if (!import_filter_ || importable(it->first))
      encode_transition(out, it->first, before, e.count, now,
                        before > 0 && e.count > 0 && was != now);
    if (e.count == 0) counts_.erase(it);
  }
  return std::string{out.begin(), out.end()};
}

std::string interest_table::snapshot() const {
  std::vector<char> out;
  for (const auto& [k, e] : counts_)
    if (!import_filter_ || importable(k)) encode_transition(out, k, 0, e.count, origin_of(e));
  return std::string{out.begin(), out.end()};
}

// The one leafnode cluster all of a key's interest comes from, or "" (none, or several).
std::string interest_table::origin_of(const entry& e) {
  return e.by_origin.size() == 1 ? e.by_origin.begin()->first : std::string{};
}

// Import maps to publish: what the peer would send us for this subscription.
bool interest_table::importable(const key& k) const {
  return import_filter_->can_publish(std::get<1>(k));
}

int64_t interest_table::count(const std::string& account, const std::string& subject,
                              const std::string& queue) const {
  const auto it = counts_.find({account, subject, queue});
  return it == counts_.end() ? 0 : it->second.count;
}

}  // namespace gnatsd
