#include "publisher.hpp"

#include <sys/socket.h>

#include <stdexcept>

#include "wire.hpp"

namespace loadgen {
namespace {

constexpr size_t batch_bytes = 64 * 1024;
constexpr long max_unanswered_pings = 4;

// Counts the PONGs the publisher gets back; it receives nothing else (echo is off).
class pong_counter {
 public:
  explicit pong_counter(int fd) : fd_(fd) {}
  void collect() {
    const ssize_t n = ::recv(fd_, buf_, sizeof buf_, 0);
    if (n <= 0) throw std::runtime_error("publisher connection closed");
    for (ssize_t i = 0; i < n; ++i)
      if (buf_[i] == '\n') ++pongs;
  }
  long pongs = 0;

 private:
  int fd_;
  char buf_[4096];
};

}  // namespace

void publish(int fd, const publish_plan& plan) {
  const std::string tail =
      " " + std::to_string(plan.size) + "\r\n" + std::string(plan.size, 'x') + "\r\n";
  std::vector<std::string> frames;
  const bool one_subject = plan.subjects.size() == 1;
  if (one_subject) frames.push_back("PUB " + plan.subjects[0] + tail);
  std::string batch;
  batch.reserve(batch_bytes + 1024);
  pong_counter pongs{fd};
  long pings = 0;
  for (long i = 0; i < plan.msgs; ++i) {
    if (one_subject) {
      batch += frames[0];
    } else {
      batch += "PUB ";
      batch += plan.subjects[static_cast<size_t>(i) % plan.subjects.size()];
      batch += tail;
    }
    const bool window_end = (i + 1) % plan.window == 0;
    if (window_end) {
      batch += "PING\r\n";
      ++pings;
    }
    if (batch.size() >= batch_bytes || window_end || i + 1 == plan.msgs) {
      send_all(fd, batch);
      batch.clear();
    }
    while (pings - pongs.pongs > max_unanswered_pings)
      pongs.collect();
  }
  send_all(fd, "PING\r\n");
  ++pings;
  while (pongs.pongs < pings)
    pongs.collect();
}

}  // namespace loadgen
