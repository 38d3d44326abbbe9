// The logging facade the server writes through, with nats-server's levels and labels.
//
// Actors and src/ code never format timestamps or read a clock: the production sink (spdlog,
// in app/) adds `[PID] YYYY/MM/DD HH:MM:SS.uuuuuu [INF] ` as the clustering guide shows, and
// the simulator's sink records virtual time instead.
#pragma once

#include <atomic>

#include <memory>
#include <string>
#include <string_view>

namespace gnatsd {

enum class log_level { fatal, error, warn, info, debug, trace };

/// "FTL", "ERR", "WRN", "INF", "DBG", "TRC" as in nats-server's logger.
std::string_view log_label(log_level level);

class logger {
 public:
  virtual ~logger() = default;
  virtual void write(log_level level, std::string_view message) = 0;

  // Atomic: a config reload changes them while connections on other threads log.
  std::atomic<bool> debug{false};
  std::atomic<bool> trace{false};

  bool enabled(log_level level) const {
    if (level == log_level::trace) return trace;
    if (level == log_level::debug) return debug;
    return true;
  }
  void log(log_level level, std::string_view message) {
    if (enabled(level)) write(level, message);
  }
  void info(std::string_view m) { log(log_level::info, m); }
  void warn(std::string_view m) { log(log_level::warn, m); }
  void error(std::string_view m) { log(log_level::error, m); }
  void debugf(std::string_view m) { log(log_level::debug, m); }
  void tracef(std::string_view m) { log(log_level::trace, m); }
};

using logger_ptr = std::shared_ptr<logger>;

}  // namespace gnatsd
