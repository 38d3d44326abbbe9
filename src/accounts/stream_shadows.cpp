#include "accounts/stream_shadows.hpp"

namespace gnatsd {

void add_shadows(const account& acc, subscription& sub, std::vector<interest_change>& changes) {
  const auto imports = acc.imports();
  for (const auto& rule : imports->streams) {
    const std::string subject = rule.mapping.shadow_of(sub.subject);
    if (subject.empty()) continue;
    const account_ptr exporter = rule.exporter.lock();
    if (!exporter) continue;
    auto shadow = std::make_shared<subscription>();
    shadow->subject = subject;
    shadow->queue = sub.queue;
    shadow->sid = sub.sid;
    shadow->owner = sub.owner;
    shadow->id = sub.id;  // an auto-unsubscribe limit it reaches ends the client's subscription
    shadow->deliver_as = std::make_shared<subject_mapping>(rule.mapping);
    exporter->subscriptions().insert(shadow);
    changes.push_back(interest_change{exporter->name(), shadow->subject, shadow->queue, +1});
    sub.shadows.push_back(subscription::shadow{exporter, std::move(shadow)});
  }
}

void remove_shadows(subscription& sub, std::vector<interest_change>& changes) {
  for (auto& s : sub.shadows) {
    s.sub->closed.store(true, std::memory_order_release);
    if (s.exporter->subscriptions().remove(s.sub))
      changes.push_back(interest_change{s.exporter->name(), s.sub->subject, s.sub->queue, -1});
  }
  sub.shadows.clear();
}

}  // namespace gnatsd
