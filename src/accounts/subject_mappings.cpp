#include "accounts/subject_mappings.hpp"

#include "subject/subject.hpp"

namespace gnatsd {

subject_mappings::subject_mappings(const std::vector<mapping_options>& config,
                                   const std::string& cluster) {
  for (const auto& m : config) {
    bool for_cluster = false;
    for (const auto& d : m.destinations)
      for_cluster = for_cluster || (!cluster.empty() && d.cluster == cluster);
    rule r{m.source, {}};
    int total = 0;
    for (const auto& d : m.destinations) {
      if (for_cluster ? d.cluster != cluster : !d.cluster.empty()) continue;
      std::string error;
      auto t = subject_transform::make(m.source, d.subject, error);
      if (!t) continue;  // refused when the config was read
      total += d.weight;
      r.destinations.push_back(destination{std::move(*t), total});
    }
    if (!r.destinations.empty()) rules_.push_back(std::move(r));
  }
}

bool subject_mappings::map(std::string_view subject, prng& rng, std::string& out) const {
  for (const auto& r : rules_) {
    if (!subject::matches(r.source, subject)) continue;
    const auto* chosen = &r.destinations.front();
    if (r.destinations.size() > 1 || chosen->up_to < 100) {
      const auto draw = static_cast<int>(rng.below(100));
      chosen = nullptr;
      for (const auto& d : r.destinations)
        if (draw < d.up_to) {
          chosen = &d;
          break;
        }
      if (chosen == nullptr) return false;  // the weight left to the subject itself
    }
    chosen->transform.apply(subject, out);
    return true;
  }
  return false;
}

}  // namespace gnatsd
