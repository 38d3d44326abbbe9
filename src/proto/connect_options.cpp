#include "proto/connect_options.hpp"

#include <nlohmann/json.hpp>

#include "proto/json_field.hpp"

namespace gnatsd::proto {
namespace {

using json = nlohmann::json;

}  // namespace

bool apply_connect_json(std::string_view text, connect_options& opts) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  return take_field(j, "verbose", opts.verbose) && take_field(j, "pedantic", opts.pedantic) &&
         take_field(j, "echo", opts.echo) && take_field(j, "headers", opts.headers) &&
         take_field(j, "no_responders", opts.no_responders) &&
         take_field(j, "tls_required", opts.tls_required) &&
         take_field(j, "protocol", opts.protocol) && take_field(j, "name", opts.name) &&
         take_field(j, "lang", opts.lang) && take_field(j, "version", opts.version) &&
         take_field(j, "user", opts.user) && take_field(j, "pass", opts.pass) &&
         take_field(j, "auth_token", opts.auth_token) && take_field(j, "account", opts.account) &&
         take_field(j, "new_account", opts.new_account) && take_field(j, "nkey", opts.nkey) &&
         take_field(j, "sig", opts.sig);
}

}  // namespace gnatsd::proto
