#include "config/config_fields.hpp"

#include <cctype>

namespace gnatsd::config {
namespace {

// Seconds as a duration; out-of-range values are errors, not undefined behaviour (UBSan
// found the overflow through fuzz_config).
duration seconds_to_duration(double secs, const value& v, const std::string& key) {
  if (!(secs >= 0) || secs > 9.0e9) bad(v, "duration out of range for \"" + key + "\"");
  return duration{static_cast<int64_t>(secs * 1e9)};
}

}  // namespace

[[noreturn]] void bad(const value& v, const std::string& what) {
  throw config::parse_error{v.where.describe() + ": " + what};
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string as_string(const value& v, const std::string& key) {
  if (v.type == value::kind::string) return v.str;
  if (v.type == value::kind::integer) return std::to_string(v.integer);
  bad(v, "expected a string for \"" + key + "\", got " + v.kind_name());
}

int64_t as_integer(const value& v, const std::string& key) {
  if (v.type != value::kind::integer)
    bad(v, "expected an integer for \"" + key + "\", got " + v.kind_name());
  return v.integer;
}

int as_int(const value& v, const std::string& key) {
  const int64_t i = as_integer(v, key);
  if (i < -2147483648LL || i > 2147483647LL) bad(v, "value out of range for \"" + key + "\"");
  return static_cast<int>(i);
}

bool as_bool(const value& v, const std::string& key) {
  if (v.type != value::kind::boolean)
    bad(v, "expected a boolean for \"" + key + "\", got " + v.kind_name());
  return v.boolean;
}

// A duration is a Go duration string; a bare number means seconds (nats-server warns).
duration as_duration(const value& v, const std::string& key, std::vector<std::string>& warnings) {
  if (v.type == value::kind::string) {
    duration d{};
    if (!parse_go_duration(v.str, d))
      bad(v, "invalid duration \"" + v.str + "\" for \"" + key + "\"");
    return d;
  }
  if (v.type == value::kind::integer || v.type == value::kind::floating) {
    const double secs =
        v.type == value::kind::integer ? static_cast<double>(v.integer) : v.floating;
    warnings.push_back(v.where.describe() + ": " + key +
                       " should be a duration string such as \"2m\"; a number means seconds");
    return seconds_to_duration(secs, v, key);
  }
  bad(v, "expected a duration for \"" + key + "\", got " + v.kind_name());
}

// The auth timeout is a number of seconds (float), or a duration string in 2.x.
duration as_seconds(const value& v, const std::string& key, std::vector<std::string>& warnings) {
  if (v.type == value::kind::integer)
    return seconds_to_duration(static_cast<double>(v.integer), v, key);
  if (v.type == value::kind::floating) return seconds_to_duration(v.floating, v, key);
  return as_duration(v, key, warnings);
}

std::string unknown_field(const std::string& key) {
  return "unknown field \"" + key + "\"";
}

// Applies every entry of `map` through `handlers`; an unknown key is an error as in
// nats-server 2.x (worded by `unknown`), except entries that only served as $variables.
void apply_map(const value& map, const std::map<std::string, handler>& handlers,
               std::string (*unknown)(const std::string& key)) {
  if (map.type != value::kind::map) bad(map, "expected a map");
  for (const auto& [key, v] : map.entries) {
    const auto it = handlers.find(lower(key));
    if (it != handlers.end()) {
      it->second(v, key);
    } else if (!v.used_as_variable) {
      bad(v, unknown(key));
    }
  }
}

// A string or a list of strings.
std::vector<std::string> as_string_list(const value& v, const std::string& key) {
  std::vector<std::string> out;
  if (v.type != value::kind::array) {
    out.push_back(as_string(v, key));
    return out;
  }
  for (const auto& item : v.items)
    out.push_back(as_string(item, key));
  return out;
}

// Go's name for the type of a config value, as nats-server prints it in its errors.
std::string go_type(const value& v) {
  switch (v.type) {
    case value::kind::string:
      return "string";
    case value::kind::integer:
      return "int64";
    case value::kind::floating:
      return "float64";
    case value::kind::boolean:
      return "bool";
    case value::kind::map:
      return "map[string]interface {}";
    case value::kind::array:
      return "[]interface {}";
  }
  return "interface {}";
}

}  // namespace gnatsd::config
