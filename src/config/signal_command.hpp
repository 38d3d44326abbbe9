// `--signal <command>[=<pid or pid file>]` (nats-server's `-sl`): which signal a command
// sends to a running server, and to which process.
#pragma once

#include <csignal>
#include <string>

namespace gnatsd {

struct signal_command {
  int signal = 0;
  std::string target;  // a pid, a pid file path, or empty (find the one running gnatsd)
};

/// Parses "stop", "quit", "term", "reopen", "reload" or "ldm", optionally "=<target>".
/// Returns false and sets `error` (nats-server's text) for an unknown command.
bool parse_signal_command(const std::string& text, signal_command& out, std::string& error);

}  // namespace gnatsd
