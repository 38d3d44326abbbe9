// The receiving side: a thread that reads a set of subscriber connections (blocking reads
// for one, epoll for many) and counts MSG frames per connection. Once the expected total has
// arrived it sends a PING on every connection and stops at their PONGs, so frames that arrive
// late (duplicates) are still counted: counts are exact, not "at least".
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "frame_reader.hpp"

namespace loadgen {

using clock_type = std::chrono::steady_clock;

class sink {
 public:
  sink(std::vector<int> fds, long expected_total);
  ~sink();
  void start();
  /// Waits for the thread; throws if it failed or stalled (10 s without a byte).
  void join();

  long total() const;
  long count(size_t connection) const { return conns_[connection].counts.msgs; }
  /// When the frame that completed the expected total arrived.
  clock_type::time_point last_frame() const { return last_; }

 private:
  struct conn {
    int fd;
    frame_reader reader;
    frame_reader::counts counts;
  };
  void run();
  void run_one();
  void run_many();
  // Reads once from c (blocking or not); false if nothing was available.
  bool read_some(conn& c);
  void after_read(conn& c, long before);
  void send_pings();
  bool done() const;

  std::vector<conn> conns_;
  long expected_;
  long received_ = 0;
  int pongs_seen_ = 0;
  bool pinged_ = false;
  clock_type::time_point last_{};
  std::thread thread_;
  std::string error_;
  std::vector<char> buf_;
};

}  // namespace loadgen
