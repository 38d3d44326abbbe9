// Keeps credentials out of traces: the values of "pass" and "auth_token" in a CONNECT
// line become "[REDACTED]", as nats-server's removeSecretsFromTrace does.
#pragma once

#include <string>
#include <string_view>

namespace gnatsd {

std::string redact_connect(std::string_view json);

}  // namespace gnatsd
