// Carries out `gnatsd --signal ...`: finds the process (a pid, a pid file, or the one
// running gnatsd) and sends it the signal, with nats-server's messages and exit codes.
#pragma once

#include <string>

#include "config/signal_command.hpp"

namespace gnatsd {

/// Returns the process exit code (0 on success); errors are printed to stderr.
int send_signal_command(const signal_command& cmd, const std::string& program);

}  // namespace gnatsd
