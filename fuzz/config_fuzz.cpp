// Fuzz target for the config-file parser and the option mapping (accounts, exports and
// imports built into an account registry when the config validates): any input either parses
// into options or raises config::parse_error naming a position; nothing else may happen
// (no crash, no other exception, no hang). Includes are resolved relative to a directory
// that does not exist, so the fuzzer cannot reach the file system.
#include <cstddef>
#include <cstdint>
#include <string>

#include "accounts/account_registry.hpp"
#include "config/config_parser.hpp"
#include "config/options.hpp"
#include "util/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto value = gnatsd::config::parse_string(text, "fuzz.conf", "/nonexistent-gnatsd-fuzz");
    gnatsd::server_options options;
    std::vector<std::string> warnings;
    gnatsd::apply_config(value, options, warnings);
    // A config that validates also builds its accounts: imports, mappings, internal
    // subscriptions (the registry is what the server does with the accounts blocks).
    if (gnatsd::validate(options).empty()) {
      gnatsd::account_registry accounts;
      accounts.configure(options, "FUZZ");
      (void)accounts.take_interest_changes();
    }
  } catch (const gnatsd::config::parse_error& e) {
    // Every error names a position: "<file>:<line>:<column>: ...".
    const std::string what = e.what();
    const auto colon = what.find(':');
    GNATSD_ASSERT(colon != std::string::npos && colon + 1 < what.size());
    GNATSD_ASSERT(what[colon + 1] >= '0' && what[colon + 1] <= '9');
  }
  return 0;
}
