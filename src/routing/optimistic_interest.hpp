// What an outbound gateway knows of a peer that still uses nats-server's optimistic mode
// (servers before 2.9, whose INFO has no `gateway_iom`): every message of an account is
// sent unless the peer said it has no interest in its subject (RS-) or in the whole account
// (A-); an RS+ takes such a mark back. Once the peer switches an account to interest-only
// mode (INFO command "all subscriptions start", then "complete"), only announced interest
// counts for it, as with a 2.9 peer (the subscriptions in the account's sublist).
//
// Written by the gateway connection, read by publishers on any thread.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace gnatsd {

class optimistic_interest {
 public:
  /// Whether a message of `account` on `subject` goes to the peer on trust.
  bool wants(std::string_view account, std::string_view subject) const;
  /// Whether plain interest of `account` is still given as no-interest marks (RS-), not as
  /// subscriptions (RS+ kept in the sublist).
  bool marks(std::string_view account) const;

  void no_interest(std::string_view account, std::string_view subject);  // RS-
  void interest(std::string_view account, std::string_view subject);     // RS+
  void account_interest(std::string_view account, bool interested);      // A+ / A-
  void switching(std::string_view account);                              // command 2
  void switched(std::string_view account);                               // command 3
  /// nats-server's interest mode names, for /gatewayz.
  std::string mode(std::string_view account) const;

 private:
  enum class mode_t { optimistic, transitioning, interest_only };
  struct state {
    mode_t mode = mode_t::optimistic;
    bool refused = false;               // A-
    std::set<std::string> no_interest;  // RS- while optimistic or transitioning
  };
  mutable std::mutex mutex_;
  std::map<std::string, state, std::less<>> accounts_;
};

}  // namespace gnatsd
