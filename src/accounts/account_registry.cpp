#include "accounts/account_registry.hpp"

#include <algorithm>

#include "proto/identity.hpp"
#include "subject/subject.hpp"
#include "system/system_subjects.hpp"

namespace gnatsd {

namespace {

// The owner of internal subscriptions: no connection; the router never delivers to it.
class internal_subscriber final : public subscriber {
 public:
  internal_subscriber() : subscriber(0) {}
  void deliver(delivery_batch) override {}
  void subscription_expired(uint64_t) override {}
};

// "_R_.<6 chars>.": the reply prefix of an exporting account on this server, stable for the
// server's life (FNV-1a of server id and account name, in base 62).
std::string reply_prefix(const std::string& server_id, const std::string& account) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : server_id + "/" + account) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out = "_R_.";
  for (int i = 0; i < 6; ++i, h /= 62)
    out += digits[h % 62];
  return out + ".";
}

const export_options* export_for(const server_options& o, const import_options& i) {
  for (const auto& a : o.accounts)
    if (a.name == i.account)
      for (const auto& e : a.exports)
        if (e.service == i.service && subject::subset_of(i.subject, e.subject)) return &e;
  return nullptr;
}

}  // namespace

account_registry::account_registry()
    : global_(std::make_shared<account>(std::string{global_account})),
      internal_owner_(std::make_shared<internal_subscriber>()) {
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

void account_registry::configure(const server_options& o, const std::string& server_id) {
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
  configure_imports(o);
  configure_response_subscriptions(o, server_id);
  configure_mappings(o);
  generation_.fetch_add(1, std::memory_order_release);
}

// Under the lock. Every account gets its imports from `o` (none for $G and $SYS unless
// configured), and its service imports their internal subscriptions, replacing the old ones.
void account_registry::configure_imports(const server_options& o) {
  std::map<std::string, account_imports> imports;
  for (const auto& a : o.accounts)
    for (const auto& i : a.imports) {
      const auto exporter = by_name_.find(i.account);
      if (exporter == by_name_.end()) continue;  // the config check refuses this
      auto& mine = imports[a.name];
      if (!i.service) {
        mine.streams.push_back(stream_import_rule{
            exporter->second, i.prefix.empty()
                                  ? subject_mapping{i.subject, i.to}
                                  : subject_mapping::with_prefix(i.subject, i.prefix)});
        continue;
      }
      auto rule = std::make_shared<service_import_rule>(
          service_import_rule{exporter->second, subject_mapping{i.subject, i.to},
                              response_type::singleton, std::chrono::minutes{2}, nullptr, false});
      if (const auto* e = export_for(o, i)) {
        rule->response = e->response;
        rule->threshold = e->threshold;
        if (e->latency)
          rule->latency = std::make_shared<const latency_tracking>(
              latency_tracking{e->latency->sampling, e->latency->subject});
      }
      rule->share = i.share;
      mine.services.push_back(std::move(rule));
    }
  bool latency = false;
  for (const auto& [name, mine] : imports)
    for (const auto& rule : mine.services)
      latency = latency || rule->latency != nullptr;
  tracks_latency_.store(latency, std::memory_order_release);
  add_system_imports(imports);
  for (auto& [name, acc] : by_name_) {
    for (const auto& sub : acc->internal_subscriptions)
      if (sub->service_import) acc->subscriptions().remove(sub);
    auto& subs = acc->internal_subscriptions;
    subs.erase(
        std::remove_if(subs.begin(), subs.end(),
                       [](const subscription_ptr& s) { return s->service_import != nullptr; }),
        subs.end());
    account_imports mine = imports.count(name) ? std::move(imports[name]) : account_imports{};
    for (const auto& rule : mine.services) {
      auto sub = std::make_shared<subscription>();
      sub->subject = rule->mapping.to();
      sub->owner = internal_owner_;
      sub->internal = true;
      sub->service_import = rule;
      acc->subscriptions().insert(sub);
      subs.push_back(std::move(sub));
    }
    acc->set_imports(std::move(mine));
  }
}

// Under the lock. With a system account, every other account imports its own connections
// and statistics from it, as nats-server does (system/system_subjects.hpp); they are
// streamed, since every server of a cluster answers.
void account_registry::add_system_imports(std::map<std::string, account_imports>& imports) {
  const auto system = by_name_.find(system_name_);
  if (system_name_.empty() || system == by_name_.end()) return;
  for (const auto& [name, acc] : by_name_) {
    if (name == system_name_) continue;
    for (const auto& i : system::account_service_imports(name)) {
      auto rule = std::make_shared<service_import_rule>(
          service_import_rule{system->second, subject_mapping{i.remote, i.local},
                              response_type::stream, std::chrono::minutes{2}, nullptr, false});
      imports[name].services.push_back(std::move(rule));
    }
  }
}

// Under the lock. An account that exports a service someone imports gets a response
// subscription on its reply prefix, announced to routes, so that a response published on
// any server comes back here. Only what changed is added or removed.
void account_registry::configure_response_subscriptions(const server_options& o,
                                                        const std::string& server_id) {
  std::map<std::string, account_ptr> wanted;
  for (const auto& a : o.accounts)
    for (const auto& i : a.imports)
      if (i.service && by_name_.count(i.account))
        wanted[i.account] = by_name_.find(i.account)->second;
  if (const auto system = by_name_.find(system_name_);
      !system_name_.empty() && system != by_name_.end() && by_name_.size() > 1)
    wanted[system_name_] = system->second;
  for (auto it = response_subs_.begin(); it != response_subs_.end();) {
    const auto w = wanted.find(it->first);
    if (w != wanted.end() && w->second.get() == it->second->responses_of) {
      ++it;
      continue;
    }
    it->second->responses_of->subscriptions().remove(it->second);
    auto& internal = it->second->responses_of->internal_subscriptions;
    internal.erase(std::remove(internal.begin(), internal.end(), it->second), internal.end());
    changes_.push_back(interest_change{it->first, it->second->subject, {}, -1});
    it = response_subs_.erase(it);
  }
  for (const auto& [name, acc] : wanted) {
    if (response_subs_.count(name)) continue;
    const std::string prefix = reply_prefix(server_id, name);
    acc->responses().set_prefix(prefix);
    auto sub = std::make_shared<subscription>();
    sub->subject = prefix + ">";
    sub->owner = internal_owner_;
    sub->internal = true;
    sub->responses_of = acc.get();
    acc->subscriptions().insert(sub);
    acc->internal_subscriptions.push_back(sub);
    changes_.push_back(interest_change{name, sub->subject, {}, +1});
    response_subs_.emplace(name, std::move(sub));
  }
}

// Under the lock. `$G` takes the top-level `mappings`, every account its own, and its limits.
void account_registry::configure_mappings(const server_options& o) {
  for (auto& [name, acc] : by_name_) {
    const std::vector<mapping_options>* config = name == global_account ? &o.mappings : nullptr;
    account_limits limits;
    for (const auto& a : o.accounts)
      if (a.name == name) {
        config = &a.mappings;
        limits = a.limits;
      }
    acc->max_connections.store(limits.max_connections, std::memory_order_relaxed);
    acc->max_subscriptions.store(limits.max_subscriptions, std::memory_order_relaxed);
    acc->max_payload.store(limits.max_payload, std::memory_order_relaxed);
    acc->set_mappings(config != nullptr && !config->empty()
                          ? std::make_shared<const subject_mappings>(*config, o.cluster.name)
                          : nullptr);
  }
}

std::vector<interest_change> account_registry::take_interest_changes() {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<interest_change> out;
  out.swap(changes_);
  return out;
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
