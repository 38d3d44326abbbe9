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
    key k{ch.account, ch.subject, ch.queue};
    auto it = counts_.find(k);
    const int64_t before = it == counts_.end() ? 0 : it->second;
    const int64_t after = before + ch.delta;
    GNATSD_ASSERT(after >= 0);
    if (after == 0) {
      if (it != counts_.end()) counts_.erase(it);
    } else if (it == counts_.end()) {
      it = counts_.emplace(std::move(k), after).first;
    } else {
      it->second = after;
    }
    const key current{ch.account, ch.subject, ch.queue};
    const std::string was = before > 0 ? origin_of(current) : std::string{};
    auto& by_origin = origins_[current];
    if ((by_origin[ch.origin] += ch.delta) <= 0) by_origin.erase(ch.origin);
    if (by_origin.empty()) origins_.erase(current);
    const std::string now = after > 0 ? origin_of(current) : std::string{};
    if (!import_filter_ || importable(current))
      encode_transition(out, current, before, after, now, before > 0 && after > 0 && was != now);
  }
  return std::string{out.begin(), out.end()};
}

std::string interest_table::snapshot() const {
  std::vector<char> out;
  for (const auto& [k, n] : counts_)
    if (!import_filter_ || importable(k)) encode_transition(out, k, 0, n, origin_of(k));
  return std::string{out.begin(), out.end()};
}

// The one leafnode cluster all of a key's interest comes from, or "" (none, or several).
std::string interest_table::origin_of(const key& k) const {
  const auto it = origins_.find(k);
  if (it == origins_.end() || it->second.size() != 1) return {};
  return it->second.begin()->first;
}

// Import maps to publish: what the peer would send us for this subscription.
bool interest_table::importable(const key& k) const {
  return import_filter_->can_publish(std::get<1>(k));
}

int64_t interest_table::count(const std::string& account, const std::string& subject,
                              const std::string& queue) const {
  const auto it = counts_.find({account, subject, queue});
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace gnatsd
