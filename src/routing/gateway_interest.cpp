#include "routing/gateway_interest.hpp"

#include "proto/gateway_info.hpp"
#include "proto/route_encoder.hpp"

namespace gnatsd {
namespace {

void announce(std::vector<char>& out, const gateway_interest::key& k, bool added) {
  const auto& [account, subject, queue] = k;
  if (added) {
    proto::append_remote_sub(out, account, subject, queue, queue.empty() ? 0 : 1);
  } else {
    proto::append_remote_unsub(out, account, subject, queue);
  }
}

std::string command(proto::gateway_command cmd, const std::string& account,
                    const std::string& gateway) {
  proto::gateway_info info;
  info.gateway = gateway;
  info.command = cmd;
  info.command_payload = account;
  return proto::encode_gateway_command(info);
}

}  // namespace

std::string gateway_interest::apply(const std::vector<interest_change>& changes) {
  std::vector<char> out;
  for (const auto& ch : changes) {
    // This cluster's interest: not other clusters', nor that of the hub we are a leaf of.
    if (ch.source == interest_source::gateway || ch.source == interest_source::leaf_spoke) continue;
    const int delta = ch.delta;
    key k{ch.account, ch.subject, ch.queue};
    auto it = counts_.find(k);
    const int64_t before = it == counts_.end() ? 0 : it->second;
    // A removal of what was never counted (a route's peer repeating itself) is ignored.
    const int64_t after = before + delta < 0 ? 0 : before + delta;
    if (after == before) continue;
    if (after == 0) {
      counts_.erase(it);
      announce(out, k, false);
    } else if (before == 0) {
      counts_.emplace(k, after);
      announce(out, k, true);
    } else {
      it->second = after;
    }
  }
  return std::string{out.begin(), out.end()};
}

std::string gateway_interest::snapshot(const std::vector<std::string>& accounts,
                                       const std::string& gateway) const {
  std::vector<char> queues;
  for (const auto& [k, n] : counts_)
    if (!std::get<2>(k).empty()) announce(queues, k, true);
  std::string out{queues.begin(), queues.end()};
  for (const auto& account : accounts) {
    out += command(proto::gateway_command::all_subs_start, account, gateway);
    std::vector<char> plain;
    for (auto it = counts_.lower_bound(key{account, {}, {}});
         it != counts_.end() && std::get<0>(it->first) == account; ++it)
      if (std::get<2>(it->first).empty()) announce(plain, it->first, true);
    out.append(plain.begin(), plain.end());
    out += command(proto::gateway_command::all_subs_complete, account, gateway);
  }
  return out;
}

int64_t gateway_interest::count(const std::string& account, const std::string& subject,
                                const std::string& queue) const {
  const auto it = counts_.find({account, subject, queue});
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace gnatsd
