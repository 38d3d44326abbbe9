// The CONNECT options a client sends (nats-protocol-and-internals.md section 1.4).
//
// The JSON is applied over the current values, as nats-server unmarshals over its defaults:
// `CONNECT {}` leaves verbose and pedantic on, and a repeated CONNECT overrides only the
// fields it names. Unknown fields are ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gnatsd::proto {

struct connect_options {
  bool verbose = true;
  bool pedantic = true;
  bool echo = true;
  bool headers = false;
  bool no_responders = false;
  bool tls_required = false;
  int protocol = 0;
  std::string name;
  std::string lang;
  std::string version;
  std::string user;
  std::string pass;
  std::string auth_token;
  std::string account;
  std::string new_account;
  std::string nkey;  // an nkey user's public key
  std::string sig;   // its signature of the INFO's nonce (base64)
};

/// Applies the CONNECT JSON `json` onto `opts`. Returns false if it is not a JSON object or a
/// known field has the wrong type (nats-server then closes the connection silently).
bool apply_connect_json(std::string_view json, connect_options& opts);

}  // namespace gnatsd::proto
