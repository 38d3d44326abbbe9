// Reading optional fields of the JSON that peers send (CONNECT, INFO): a missing or null
// field leaves the target unchanged.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace gnatsd::proto {

/// Reads an integer field as Go's encoding/json does: only an integer literal that fits the
/// target type is accepted (no floats, no wrap-around). nlohmann's own conversion casts, which
/// is undefined for a float out of range (found by fuzz_json under UBSan).
template <class T>
bool take_integer(const nlohmann::json& v, T& out) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) {
    const auto n = v.get<uint64_t>();
    if (n > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(n);
    return true;
  }
  const auto n = v.get<int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (n < 0 || static_cast<uint64_t>(n) > std::numeric_limits<T>::max()) return false;
  } else {
    if (n < std::numeric_limits<T>::min() || n > std::numeric_limits<T>::max()) return false;
  }
  out = static_cast<T>(n);
  return true;
}

/// Copies j[key] into `out` if present. Returns false if it has the wrong type or does not
/// fit.
template <class T>
bool take_field(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return take_integer(*it, out);
  } else {
    try {
      out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return true;
  }
}

}  // namespace gnatsd::proto
