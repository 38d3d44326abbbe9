#include "proto/connect_options.hpp"

#include <nlohmann/json.hpp>

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

template <class T>
bool take(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

}  // namespace

bool apply_connect_json(std::string_view text, connect_options& opts) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  return take(j, "verbose", opts.verbose) && take(j, "pedantic", opts.pedantic) &&
         take(j, "echo", opts.echo) && take(j, "headers", opts.headers) &&
         take(j, "no_responders", opts.no_responders) &&
         take(j, "tls_required", opts.tls_required) && take(j, "protocol", opts.protocol) &&
         take(j, "name", opts.name) && take(j, "lang", opts.lang) &&
         take(j, "version", opts.version) && take(j, "user", opts.user) &&
         take(j, "pass", opts.pass) && take(j, "auth_token", opts.auth_token) &&
         take(j, "account", opts.account) && take(j, "new_account", opts.new_account);
}

}  // namespace gnatsd::proto
