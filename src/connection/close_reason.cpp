// Why a client connection closed: nats-server's names for /connz and the system account's
// DISCONNECT events, and which close each protocol error causes.
#include "connection/client_connection.hpp"

namespace gnatsd {

std::string_view close_reason_text(close_reason r) {
  switch (r) {
    case close_reason::client_closed:
      return "Client Closed";
    case close_reason::protocol_error:
      return "Protocol Violation";
    case close_reason::auth_violation:
      return "Authentication Failure";
    case close_reason::auth_timeout:
      return "Authentication Timeout";
    case close_reason::stale_connection:
      return "Stale Connection";
    case close_reason::slow_consumer_pending:
      return "Slow Consumer (Pending Bytes)";
    case close_reason::slow_consumer_deadline:
      return "Slow Consumer (Write Deadline)";
    case close_reason::max_connections:
      return "Maximum Connections Exceeded";
    case close_reason::server_shutdown:
      return "Server Shutdown";
    case close_reason::write_error:
      return "Write Error";
    case close_reason::read_error:
      return "Read Error";
    case close_reason::tls_handshake_failure:
      return "TLS Handshake Failure";
    case close_reason::max_control_line:
      return "Maximum Control Line Exceeded";
    case close_reason::max_payload:
      return "Maximum Message Payload Exceeded";
    case close_reason::bad_client_protocol:
      return "Bad Client Protocol Version";
    case close_reason::no_responders_requires_headers:
      return "No Responders Requires Headers";
    case close_reason::max_account_connections:
      return "Maximum Account Connections Exceeded";
  }
  return "Unknown";
}

close_reason close_reason_for(proto::error_code code) {
  using proto::error_code;
  switch (code) {
    case error_code::authorization_violation:
      return close_reason::auth_violation;
    case error_code::authentication_timeout:
      return close_reason::auth_timeout;
    case error_code::stale_connection:
      return close_reason::stale_connection;
    case error_code::maximum_connections_exceeded:
      return close_reason::max_connections;
    case error_code::maximum_control_line_exceeded:
      return close_reason::max_control_line;
    case error_code::maximum_payload_violation:
      return close_reason::max_payload;
    case error_code::invalid_client_protocol:
      return close_reason::bad_client_protocol;
    case error_code::no_responders_requires_headers:
      return close_reason::no_responders_requires_headers;
    case error_code::maximum_account_connections_exceeded:
      return close_reason::max_account_connections;
    default:
      return close_reason::protocol_error;
  }
}

}  // namespace gnatsd
