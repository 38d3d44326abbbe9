#include "spdlog_logger.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace gnatsd {
namespace {

spdlog::level::level_enum to_spdlog(log_level level) {
  switch (level) {
    case log_level::fatal:
      return spdlog::level::critical;
    case log_level::error:
      return spdlog::level::err;
    case log_level::warn:
      return spdlog::level::warn;
    case log_level::info:
      return spdlog::level::info;
    case log_level::debug:
      return spdlog::level::debug;
    case log_level::trace:
      return spdlog::level::trace;
  }
  return spdlog::level::info;
}

// `%*` in the pattern: nats-server's three-letter level label.
class level_label_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view label = "INF";
    switch (msg.level) {
      case spdlog::level::critical:
        label = "FTL";
        break;
      case spdlog::level::err:
        label = "ERR";
        break;
      case spdlog::level::warn:
        label = "WRN";
        break;
      case spdlog::level::debug:
        label = "DBG";
        break;
      case spdlog::level::trace:
        label = "TRC";
        break;
      default:
        break;
    }
    dest.append(label.data(), label.data() + label.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<level_label_flag>();
  }
};

}  // namespace

spdlog_logger::spdlog_logger(std::string file, bool with_time)
    : file_(std::move(file)), with_time_(with_time), impl_(make()) {}

spdlog_logger::~spdlog_logger() {
  if (impl_) impl_->flush();
}

std::shared_ptr<spdlog::logger> spdlog_logger::make() const {
  spdlog::sink_ptr sink;
  if (file_.empty())
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  else
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file_, false);
  auto l = std::make_shared<spdlog::logger>("gnatsd", std::move(sink));
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<level_label_flag>('*').set_pattern(
      with_time_ ? "[%P] %Y/%m/%d %H:%M:%S.%f [%*] %v" : "[%P] [%*] %v");
  l->set_formatter(std::move(formatter));
  l->set_level(spdlog::level::trace);
  l->flush_on(spdlog::level::trace);
  return l;
}

void spdlog_logger::write(log_level level, std::string_view message) {
  std::shared_ptr<spdlog::logger> l;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    l = impl_;
  }
  l->log(to_spdlog(level), "{}", message);
}

void spdlog_logger::reopen() {
  if (file_.empty()) return;
  auto fresh = make();
  {
    std::lock_guard<std::mutex> guard{mutex_};
    impl_->flush();
    impl_ = fresh;
  }
  write(log_level::info, "File log re-opened");
}

}  // namespace gnatsd
