// The gnatsd command line: nats-server's flags, parsed with CLI11.
//
// Go's flag package lets every long flag be written with one dash or two (`-config`,
// `--config`) and the clustering guide uses the one-dash form, so known long names written
// with one dash are rewritten to two before CLI11 sees them. Flags given on the command line
// override the config file.
#pragma once

#include <string>
#include <vector>

#include "config/options.hpp"
#include "config/signal_command.hpp"

namespace gnatsd {

struct command_line {
  enum class action { run, help, version, test_config, signal, error };

  action what = action::run;
  server_options options;
  signal_command signal;  // set when what == signal
  std::vector<std::string> warnings;
  std::string error;  // set when what == error
  bool usage_after_error =
      true;  // a bad flag shows the usage text; a bad --signal or config does not
};

/// Parses argv, loads the config file it names, applies the flags over it and validates the
/// result. Never throws.
command_line parse_command_line(int argc, const char* const* argv);

/// Every flag name the parser registers ("-a", "--addr", ...), for checking the usage tables.
std::vector<std::string> flag_names();

}  // namespace gnatsd
