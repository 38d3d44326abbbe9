// Protocol errors as values, mapped to the exact texts nats-server 2.9.10 sends.
//
// Each code says whether nats-server sends `-ERR '<text>'` and whether it closes the
// connection (nats-protocol-and-internals.md section 1.10). Codes with no text close the
// connection silently, with only a log line, as nats-server does for malformed arguments.
#pragma once

#include <cstdint>
#include <string_view>

namespace gnatsd::proto {

enum class error_code : uint8_t {
  // -ERR, then close.
  unknown_protocol_operation,
  authorization_violation,
  authentication_timeout,
  maximum_payload_violation,
  maximum_control_line_exceeded,
  invalid_client_protocol,
  no_responders_requires_headers,
  maximum_connections_exceeded,
  stale_connection,
  attempted_to_connect_to_route_port,
  maximum_account_connections_exceeded,
  // -ERR, connection stays open.
  invalid_subject,
  invalid_publish_subject,
  maximum_subscriptions_exceeded,
  // No -ERR: closed with a log line only.
  protocol_arguments,
  bad_size,
  bad_header_size,
  headers_not_supported,
  bad_connect_json,
  client_sent_error,
};

/// The text inside `-ERR '...'`, or an empty view if nothing is sent.
std::string_view error_text(error_code code);

/// Whether the connection is closed after this error.
bool error_closes(error_code code);

/// A short description for the log, for every code.
std::string_view error_log_reason(error_code code);

}  // namespace gnatsd::proto
