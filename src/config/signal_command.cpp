#include "config/signal_command.hpp"

#include <map>

namespace gnatsd {

bool parse_signal_command(const std::string& text, signal_command& out, std::string& error) {
  static const std::map<std::string, int> commands = {
      {"stop", SIGKILL},   {"quit", SIGINT},   {"term", SIGTERM},
      {"reopen", SIGUSR1}, {"reload", SIGHUP}, {"ldm", SIGUSR2},
  };
  const auto eq = text.find('=');
  const std::string name = text.substr(0, eq);
  const auto it = commands.find(name);
  if (it == commands.end()) {
    error = "unknown signal \"" + name + "\"";
    return false;
  }
  out.signal = it->second;
  out.target = eq == std::string::npos ? "" : text.substr(eq + 1);
  return true;
}

}  // namespace gnatsd
