#include "routing/leaf_interest.hpp"

#include <algorithm>

#include "proto/route_encoder.hpp"

namespace gnatsd {
namespace {

constexpr std::string_view lds_prefix = "$LDS.";

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Loop detection and routed replies pass whatever the permissions say (nats-server's
// exceptions in sendLeafNodeSubUpdate).
bool always_allowed(std::string_view subject) {
  return starts_with(subject, lds_prefix) || starts_with(subject, "_GR_.") ||
         starts_with(subject, "$GR.");
}

bool from_local_side(interest_source s) {
  return s == interest_source::client || s == interest_source::leaf_hub;
}

}  // namespace

std::string leaf_key(const std::string& subject, const std::string& queue) {
  return queue.empty() ? subject : subject + " " + queue;
}

std::string loop_detection_subject(const std::string& server_id, const std::string& account) {
  // FNV-1a over both, spread into 22 base-62 digits (nuid's length).
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  uint64_t h1 = 1469598103934665603ull, h2 = 0x9E3779B97F4A7C15ull;
  for (char c : server_id + "\n" + account) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h2 = (h2 ^ static_cast<unsigned char>(c)) * 0xff51afd7ed558ccdull;
  }
  std::string out{lds_prefix};
  for (int i = 0; i < 22; ++i) {
    uint64_t& h = i < 11 ? h1 : h2;
    out += digits[h % 62];
    h /= 62;
  }
  return out;
}

bool leaf_interest::counts_for(const leaf_state& l, const key& k, const source_key& source,
                               const contribution& c) const {
  const auto& a = l.audience;
  if (std::get<0>(k) != a.account) return false;
  const bool from_leaf =
      source.first == interest_source::leaf_hub || source.first == interest_source::leaf_spoke;
  if (from_leaf && source.second == a.lid) return false;  // its own
  const std::string& subject = std::get<1>(k);
  // Cluster-wide no echo: a leaf cluster never hears its own interest back - except a loop
  // detection subject another leafnode gave us, which is how a loop shows (two servers each
  // other's hub). One a route gave us is not: it is the stale interest of a connection the
  // leaf had to another server of this cluster, not a loop.
  const bool lds = starts_with(subject, lds_prefix) && from_leaf;
  if (!lds && !c.origin.empty() && c.origin == a.remote_cluster) return false;
  if (a.spoke && !from_local_side(c.source)) return false;
  if (a.announce_filter && !always_allowed(subject) &&
      !a.announce_filter->can_subscribe(subject, std::get<2>(k)))
    return false;
  return true;
}

void leaf_interest::update(leaf_state& l, const key& k, int64_t delta, std::string& out) const {
  const std::string lk = leaf_key(std::get<1>(k), std::get<2>(k));
  auto it = l.smap.find(lk);
  const int64_t before = it == l.smap.end() ? 0 : it->second;
  const int64_t after = std::max<int64_t>(0, before + delta);
  if (after == before) return;
  if (after == 0) {
    l.smap.erase(it);
  } else {
    l.smap[lk] = static_cast<int32_t>(after);
  }
  // Plain interest on 0->1 and 1->0; a queue group on every change of its weight.
  if (!std::get<2>(k).empty() || before == 0 || after == 0)
    proto::append_leaf_interest(out, lk, static_cast<int32_t>(after));
}

std::vector<std::pair<uint64_t, std::string>> leaf_interest::apply(
    const std::vector<interest_change>& changes) {
  std::vector<std::pair<uint64_t, std::string>> out;
  std::map<uint64_t, std::string> lines;
  for (const auto& ch : changes) {
    key k{ch.account, ch.subject, ch.queue};
    auto& sources = all_[k];
    const source_key source{ch.source, ch.source_id};
    auto& c = sources[source];
    const contribution was = c;
    c.source = ch.source;
    c.origin = ch.origin;  // a route's key may change origin (interest_table's LS+ / RS+)
    c.count = std::max<int64_t>(0, c.count + ch.delta);
    const contribution now = c;
    if (c.count == 0) {
      sources.erase(source);
      if (sources.empty()) all_.erase(k);
    }
    for (auto& [lid, l] : leafs_) {
      const int64_t before = was.count > 0 && counts_for(l, k, source, was) ? was.count : 0;
      const int64_t after = now.count > 0 && counts_for(l, k, source, now) ? now.count : 0;
      if (after != before) update(l, k, after - before, lines[lid]);
    }
  }
  for (auto& [lid, text] : lines)
    if (!text.empty()) out.emplace_back(lid, std::move(text));
  return out;
}

std::string leaf_interest::add(leaf_audience audience) {
  const uint64_t lid = audience.lid;
  leaf_state& l = leafs_[lid];
  l.audience = std::move(audience);
  l.smap.clear();
  std::string out;
  for (const auto& [k, sources] : all_)
    for (const auto& [source, c] : sources)
      if (counts_for(l, k, source, c)) update(l, k, c.count, out);
  for (const auto& subject : l.audience.extra)
    if (l.smap.find(subject) == l.smap.end())
      update(l, key{l.audience.account, subject, {}}, 1, out);
  return out;
}

std::vector<std::pair<uint64_t, std::string>> leaf_interest::remove(uint64_t lid) {
  leafs_.erase(lid);
  // What the connection still held is gone with it (a leaf replacing its stale connection is
  // told its snapshot without the old one's interest, which would look like a loop).
  std::vector<interest_change> gone;
  for (const auto& [k, sources] : all_)
    for (const auto& [source, c] : sources) {
      const bool leaf =
          source.first == interest_source::leaf_hub || source.first == interest_source::leaf_spoke;
      if (leaf && source.second == lid)
        gone.emplace_back(std::get<0>(k), std::get<1>(k), std::get<2>(k),
                          -static_cast<int>(c.count), source.first, lid, c.origin);
    }
  return apply(gone);
}

int32_t leaf_interest::told(uint64_t lid, const std::string& k) const {
  const auto l = leafs_.find(lid);
  if (l == leafs_.end()) return 0;
  const auto it = l->second.smap.find(k);
  return it == l->second.smap.end() ? 0 : it->second;
}

}  // namespace gnatsd
