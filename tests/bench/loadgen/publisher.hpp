// The publishing side of every throughput scenario: writes PUB frames in 64 KiB batches and
// bounds what is in flight with pipelined PINGs (one every `window` messages, at most four
// unanswered), identically for every server under test.
#pragma once

#include <string>
#include <vector>

namespace loadgen {

struct publish_plan {
  long msgs = 0;
  size_t size = 16;
  long window = 10'000;
  /// Message i goes to subjects[i % subjects.size()].
  std::vector<std::string> subjects{"bench"};
};

/// Publishes the plan on `fd`; returns once the server answered the final PING, i.e. once it
/// has processed every message.
void publish(int fd, const publish_plan& plan);

}  // namespace loadgen
