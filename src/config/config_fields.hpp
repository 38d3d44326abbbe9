// Reading typed fields out of a parsed config file, with nats-server's errors: shared by the
// readers of each part of the configuration (options.cpp, auth_config.cpp,
// accounts_config.cpp). Every error throws config::parse_error naming file:line:column.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config_parser.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

[[noreturn]] void bad(const value& v, const std::string& what);
std::string lower(std::string s);
/// Go's name for the type of a config value, as nats-server prints it in its errors.
std::string go_type(const value& v);

std::string as_string(const value& v, const std::string& key);
int64_t as_integer(const value& v, const std::string& key);
int as_int(const value& v, const std::string& key);
bool as_bool(const value& v, const std::string& key);
/// A string or a list of strings.
std::vector<std::string> as_string_list(const value& v, const std::string& key);
/// A Go duration string; a bare number means seconds (with a warning, as nats-server).
duration as_duration(const value& v, const std::string& key, std::vector<std::string>& warnings);
/// A number of seconds (integer or float), or a duration string (2.x).
duration as_seconds(const value& v, const std::string& key, std::vector<std::string>& warnings);

/// `listen`: "host:port" or a bare port, with nats-server's errors.
void set_listen(const value& v, std::string& host, int& port, const std::string& key);
/// A `tls {}` block, with nats-server's errors for a missing certificate or key.
tls_options as_tls(const value& map, std::vector<std::string>& warnings);

using handler = std::function<void(const value&, const std::string& key)>;

/// `unknown field "<key>"`.
std::string unknown_field(const std::string& key);

/// Applies every entry of `map` through `handlers` (keys matched lower-cased); an unknown key
/// is an error worded by `unknown`, except entries that only served as $variables.
void apply_map(const value& map, const std::map<std::string, handler>& handlers,
               std::string (*unknown)(const std::string& key) = unknown_field);

}  // namespace gnatsd::config
