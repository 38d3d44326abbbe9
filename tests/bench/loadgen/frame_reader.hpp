// Incremental reader of what a server sends a subscriber: counts MSG frames (skipping their
// payloads by size, so any subject and payload works), notes PINGs and PONGs, and fails on
// -ERR or anything a well-behaved run never produces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace loadgen {

class frame_reader {
 public:
  struct counts {
    long msgs = 0;
    int pings = 0;
    int pongs = 0;
  };

  /// Feeds received bytes; adds what completed to `out`. With `keep_reply`, the reply
  /// subject of the last complete MSG is kept (request/reply responders need it).
  void feed(const char* p, size_t n, counts& out);

  bool keep_reply = false;
  /// The reply subject of the last MSG header read (only with keep_reply).
  const std::string& last_reply() const { return reply_; }

 private:
  void line(std::string_view l, counts& out);

  std::string partial_;  // a control line split across reads
  size_t skip_ = 0;      // payload bytes (with CRLF) of the current MSG still to come
  std::string reply_;
};

}  // namespace loadgen
