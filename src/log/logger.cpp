#include "log/logger.hpp"

namespace gnatsd {

std::string_view log_label(log_level level) {
  switch (level) {
    case log_level::fatal:
      return "FTL";
    case log_level::error:
      return "ERR";
    case log_level::warn:
      return "WRN";
    case log_level::info:
      return "INF";
    case log_level::debug:
      return "DBG";
    case log_level::trace:
      return "TRC";
  }
  return "???";
}

}  // namespace gnatsd
