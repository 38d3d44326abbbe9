// The production log sink: spdlog writing nats-server's line format,
// `[PID] YYYY/MM/DD HH:MM:SS.uuuuuu [INF] message`, to stderr or to a file that SIGUSR1
// reopens (for log rotation).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "log/logger.hpp"

namespace spdlog {
class logger;
}

namespace gnatsd {

class spdlog_logger final : public logger {
 public:
  /// `file` empty: log to stderr.
  spdlog_logger(std::string file, bool with_time);
  ~spdlog_logger() override;

  void write(log_level level, std::string_view message) override;

  /// Reopens the log file by name (after rotation); a no-op when logging to stderr.
  void reopen();

 private:
  std::shared_ptr<spdlog::logger> make() const;

  std::string file_;
  bool with_time_;
  std::mutex mutex_;
  std::shared_ptr<spdlog::logger> impl_;
};

}  // namespace gnatsd
