#include "routing/optimistic_interest.hpp"

#include "subject/subject.hpp"

namespace gnatsd {

bool optimistic_interest::wants(std::string_view account, std::string_view subject) const {
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = accounts_.find(account);
  if (it == accounts_.end()) return true;  // nothing said yet: sent on trust
  const auto& s = it->second;
  if (s.refused || s.mode == mode_t::interest_only) return false;
  return s.no_interest.count(std::string{subject}) == 0;
}

bool optimistic_interest::marks(std::string_view account) const {
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = accounts_.find(account);
  return it == accounts_.end() || it->second.mode == mode_t::optimistic;
}

void optimistic_interest::no_interest(std::string_view account, std::string_view subject) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& s = accounts_[std::string{account}];
  // Bounded by nats-server's own switch: past 1000 marks it moves the account to
  // interest-only mode; a peer that does not is cut off here instead of growing the set.
  if (s.no_interest.size() < 4096) s.no_interest.emplace(subject);
}

void optimistic_interest::interest(std::string_view account, std::string_view subject) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return;
  auto& marks = it->second.no_interest;
  // A wildcard takes back every mark it covers.
  for (auto m = marks.begin(); m != marks.end();)
    m = (*m == subject || subject::matches(subject, *m)) ? marks.erase(m) : std::next(m);
}

void optimistic_interest::account_interest(std::string_view account, bool interested) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (interested) {
    if (auto it = accounts_.find(account); it != accounts_.end()) it->second.refused = false;
    return;
  }
  accounts_[std::string{account}].refused = true;
}

void optimistic_interest::switching(std::string_view account) {
  std::lock_guard<std::mutex> guard{mutex_};
  accounts_[std::string{account}].mode = mode_t::transitioning;
}

void optimistic_interest::switched(std::string_view account) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& s = accounts_[std::string{account}];
  s.mode = mode_t::interest_only;
  s.no_interest.clear();
}

std::string optimistic_interest::mode(std::string_view account) const {
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = accounts_.find(account);
  if (it == accounts_.end() || it->second.mode == mode_t::optimistic) return "Optimistic";
  return it->second.mode == mode_t::transitioning ? "Transitioning" : "Interest-Only";
}

}  // namespace gnatsd
