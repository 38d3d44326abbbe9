// Reading optional fields of the JSON that peers send (CONNECT, INFO): a missing or null
// field leaves the target unchanged.
#pragma once

#include <nlohmann/json.hpp>

namespace gnatsd::proto {

/// Copies j[key] into `out` if present. Returns false if it has the wrong type.
template <class T>
bool take_field(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return true;
}

}  // namespace gnatsd::proto
