// The interest other clusters are told over inbound gateways: every subscription of this
// cluster (local clients' and what routes' peers announced), counted per (account, subject,
// queue) - nats-server's `gateway.pasi`. Plain interest is announced on 0->1 (RS+) and 1->0
// (RS-); queue interest likewise, always with weight 1, as nats-server does on gateways.
//
// nats-server 2.9 puts every account in interest-only mode as soon as a gateway connects:
// a new inbound gateway hears all queue interest, then per account "all subscriptions
// start" (an INFO command), its plain interest and "complete". From then on the remote side
// sends only what matches; this server announces every change.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "routing/interest_change.hpp"

namespace gnatsd {

class gateway_interest {
 public:
  /// Applies cluster interest changes; returns the RS+/RS- lines they cause, in order.
  std::string apply(const std::vector<interest_change>& changes);

  /// The opening a new inbound gateway hears: queue interest of every account, then each of
  /// `accounts` switched to interest-only mode with its plain interest. `gateway`: this
  /// cluster's name (the commands carry it).
  std::string snapshot(const std::vector<std::string>& accounts, const std::string& gateway) const;

  size_t keys() const { return counts_.size(); }
  int64_t count(const std::string& account, const std::string& subject,
                const std::string& queue = {}) const;

  using key = std::tuple<std::string, std::string, std::string>;  // account, subject, queue

 private:
  std::map<key, int64_t> counts_;
};

}  // namespace gnatsd
