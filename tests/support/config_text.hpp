// Helpers for unit tests that build servers' options from config text and need a logger that
// drops everything.
#pragma once

#include <string>
#include <vector>

#include "config/config_parser.hpp"
#include "config/options.hpp"
#include "log/logger.hpp"

namespace gnatsd::testing {

class null_log final : public logger {
 public:
  void write(log_level, std::string_view) override {}
};

/// The options a config file with this text gives (reading errors throw).
inline server_options load_config_text(const std::string& text) {
  server_options o;
  std::vector<std::string> warnings;
  apply_config(config::parse_string(text, "test.conf"), o, warnings);
  return o;
}

/// The error of reading and then validating this config text (as a start would report
/// it), or "" when there is none.
inline std::string config_error_of(const std::string& text) {
  try {
    return validate(load_config_text(text));
  } catch (const config::parse_error& e) {
    return e.what();
  }
}

}  // namespace gnatsd::testing
