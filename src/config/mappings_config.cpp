#include "config/mappings_config.hpp"

#include <charconv>

#include "accounts/subject_transform.hpp"
#include "config/config_fields.hpp"
#include "subject/subject.hpp"

namespace gnatsd::config {
namespace {

// A weight as nats-server reads it: "50%" or 50, from 0 to 100.
int as_weight(const value& v) {
  long long weight = 0;
  if (v.type == value::kind::integer) {
    weight = v.integer;
  } else if (v.type == value::kind::string) {
    std::string text = v.str;
    if (!text.empty() && text.back() == '%') text.pop_back();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), weight);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
      bad(v, "Invalid weight \"" + text + "\" for mapping destination");
  } else {
    bad(v, "Unknown entry type for weight of mapping destination");
  }
  if (weight > 100 || weight < 0)
    bad(v, "Invalid weight " + std::to_string(weight) + " for mapping destination");
  return static_cast<int>(weight);
}

mapping_options::destination as_destination(const value& item) {
  if (item.type != value::kind::map) bad(item, "Expected an entry for the mapping destination");
  mapping_options::destination d;
  bool weighted = false;
  apply_map(
      item,
      {{"destination", [&](const value& v, const std::string& k) { d.subject = as_string(v, k); }},
       {"dest", [&](const value& v, const std::string& k) { d.subject = as_string(v, k); }},
       {"weight",
        [&](const value& v, const std::string&) {
          d.weight = as_weight(v);
          weighted = true;
        }},
       {"cluster", [&](const value& v, const std::string& k) { d.cluster = as_string(v, k); }}},
      [](const std::string& key) {
        return "Unknown field \"" + key + "\" for mapping destination";
      });
  if (!weighted) bad(item, "Missing weight for mapping destination \"" + d.subject + "\"");
  return d;
}

void check_transform(const value& at, const std::string& source, const std::string& dest,
                     bool weighted) {
  std::string error;
  if (subject_transform::make(source, dest, error)) return;
  bad(at, weighted ? "Error adding mapping for \"" + source + "\" : " + error
                   : "Error adding mapping for \"" + source + "\" to \"" + dest + "\" : " + error);
}

}  // namespace

std::vector<mapping_options> as_mappings(const value& map) {
  if (map.type != value::kind::map) bad(map, "Expected a map for mappings");
  std::vector<mapping_options> out;
  for (const auto& [source, v] : map.entries) {
    if (v.used_as_variable) continue;
    if (!subject::valid_subscription(source))
      bad(v, "Subject \"" + source + "\" is not a valid subject");
    mapping_options m;
    m.source = source;
    if (v.type == value::kind::string) {
      check_transform(v, source, v.str, false);
      m.destinations.push_back({v.str, 100, {}});
    } else if (v.type == value::kind::array) {
      int total = 0;
      for (const auto& item : v.items) {
        auto d = as_destination(item);
        check_transform(item, source, d.subject, true);
        total += d.weight;
        m.destinations.push_back(std::move(d));
      }
      // Weights per cluster add up separately; nats-server refuses more than 100 in all.
      if (total > 100 && m.destinations.front().cluster.empty())
        bad(v, "Error adding mapping for \"" + source + "\" : total weight needs to be <= 100");
    } else {
      bad(v, "Expected an entry for the mapping destination");
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace gnatsd::config
