#include "accounts/account_registry.hpp"

#include "proto/identity.hpp"

namespace gnatsd {

account_registry::account_registry()
    : global_(std::make_shared<account>(std::string{global_account})) {
  by_name_.emplace(global_->name(), global_);
}

account_ptr account_registry::find(std::string_view name) const {
  if (name == global_account) return global_;
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

account_ptr account_registry::system() const {
  std::lock_guard<std::mutex> guard{mutex_};
  if (system_name_.empty()) return nullptr;
  const auto it = by_name_.find(system_name_);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<account_ptr> account_registry::all() const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<account_ptr> out;
  out.reserve(by_name_.size());
  for (const auto& [name, acc] : by_name_)
    out.push_back(acc);
  return out;
}

void account_registry::configure(const server_options& o) {
  std::vector<std::string> names{std::string{global_account}};
  for (const auto& a : o.accounts)
    names.push_back(a.name);
  const std::string system = o.system_account_name();
  if (!system.empty()) names.push_back(system);

  std::lock_guard<std::mutex> guard{mutex_};
  std::map<std::string, account_ptr, std::less<>> next;
  for (const auto& name : names) {
    const auto it = by_name_.find(name);
    next.emplace(name, it != by_name_.end() ? it->second : std::make_shared<account>(name));
  }
  by_name_.swap(next);
  system_name_ = system;
}

sublist_stats account_registry::subscription_stats() const {
  sublist_stats total;
  for (const auto& acc : all()) {
    const auto s = acc->subscriptions().stats();
    total.subscriptions += s.subscriptions;
    total.inserts += s.inserts;
    total.removes += s.removes;
    total.matches += s.matches;
    total.cache_hits += s.cache_hits;
    total.cache_entries += s.cache_entries;
  }
  return total;
}

}  // namespace gnatsd
