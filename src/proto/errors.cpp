#include "proto/errors.hpp"

namespace gnatsd::proto {
namespace {

struct error_entry {
  std::string_view text;
  bool closes;
  std::string_view log_reason;
};

// Indexed by error_code; keep in the order of the enum.
constexpr error_entry table[] = {
    {"Unknown Protocol Operation", true, "Parse Error"},
    {"Authorization Violation", true, "Authorization Violation"},
    {"Authentication Timeout", true, "Authentication Timeout"},
    {"Maximum Payload Violation", true, "Maximum Payload Exceeded"},
    {"maximum control line exceeded", true, "Maximum Control Line Exceeded"},
    {"invalid client protocol", true, "Bad Client Protocol"},
    {"no responders requires headers support", true, "No Responders Requires Headers"},
    {"maximum connections exceeded", true, "Maximum Connections Exceeded"},
    {"Stale Connection", true, "Stale Connection"},
    {"attempted to connect to route port", true, "Client on Route Port"},
    {"maximum account active connections exceeded", true,
     "maximum account active connections exceeded"},
    {"Invalid Subject", false, "Invalid Subject"},
    {"Invalid Publish Subject", false, "Invalid Publish Subject"},
    {"maximum subscriptions exceeded", false, "Maximum Subscriptions Exceeded"},
    {"", true, "Protocol Violation: wrong number of arguments"},
    {"", true, "Protocol Violation: invalid size"},
    {"", true, "Protocol Violation: header size larger than total size"},
    {"", true, "Protocol Violation: message headers not supported"},
    {"", true, "Protocol Violation: invalid CONNECT JSON"},
    {"", true, "Parse Error: client sent -ERR"},
};

static_assert(sizeof(table) / sizeof(table[0]) ==
              static_cast<size_t>(error_code::client_sent_error) + 1);

}  // namespace

std::string_view error_text(error_code code) {
  return table[static_cast<size_t>(code)].text;
}

bool error_closes(error_code code) {
  return table[static_cast<size_t>(code)].closes;
}

std::string_view error_log_reason(error_code code) {
  return table[static_cast<size_t>(code)].log_reason;
}

}  // namespace gnatsd::proto
