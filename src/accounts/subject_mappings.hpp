// An account's `mappings`: a message published by a client on a subject a mapping's source
// matches is delivered under one of its destinations instead, picked at random by weight;
// the weights left up to 100 keep the subject. The first mapping (in config order) whose
// source matches applies. Messages from routes are not mapped again: their server did it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "accounts/subject_transform.hpp"
#include "config/options.hpp"
#include "util/prng.hpp"

namespace gnatsd {

class subject_mappings {
 public:
  /// `config` was checked when it was read; `cluster` picks the destinations that name it
  /// (those without a cluster serve when none does).
  subject_mappings(const std::vector<mapping_options>& config, const std::string& cluster);

  bool empty() const { return rules_.empty(); }
  /// Writes into `out` and returns true when `subject` is mapped to another subject.
  bool map(std::string_view subject, prng& rng, std::string& out) const;

 private:
  struct destination {
    subject_transform transform;
    int up_to = 0;  // cumulative weight: taken when the draw is below it
  };
  struct rule {
    std::string source;
    std::vector<destination> destinations;
  };
  std::vector<rule> rules_;
};

}  // namespace gnatsd
