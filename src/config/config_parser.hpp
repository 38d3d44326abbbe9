// Parser for the NATS configuration file format (nats-server's conf package): `key: value`,
// `key = value` or `key value`; `{}` maps, `[]` arrays, `#` and `//` comments, `include`,
// `$variables` (enclosing maps innermost first, then the environment), integers with size
// suffixes (`1KB` = 1024, `1K` = 1000), booleans `true/false/yes/no/on/off`, quoted strings.
#pragma once

#include <stdexcept>
#include <string>

#include "config/config_value.hpp"

namespace gnatsd::config {

/// Thrown with a message of the form `file:line:column: what went wrong`.
class parse_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses the file at `path` (includes are resolved relative to each including file).
value parse_file(const std::string& path);

/// Parses `text` as if read from a file named `name` located in directory `dir`.
value parse_string(const std::string& text, const std::string& name, const std::string& dir = ".");

}  // namespace gnatsd::config
