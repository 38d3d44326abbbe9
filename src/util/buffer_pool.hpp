// A process-wide free list of large byte buffers, so that delivery batches are recycled
// instead of allocated per read buffer per destination.
//
// A batch is filled on the publisher's worker thread and freed on the transport thread once
// written. Through malloc that round trip kept handing memory back to the kernel and
// faulting it in again (a 1->5 fan-out of 128 B messages took 143k page faults against
// nats-server's 37k). Buffers here stay mapped. Thread-safe; one short lock per batch, not
// per message. Bounded: small buffers are not kept, and at most 32 MiB in all.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

namespace gnatsd {

class buffer_pool {
 public:
  static buffer_pool& shared();

  /// An empty buffer with at least `capacity` bytes reserved, recycled when one fits.
  std::vector<char> take(size_t capacity);
  /// Keeps `buffer` for reuse if it is worth keeping and there is room; frees it otherwise.
  void give(std::vector<char>&& buffer);
  /// Capacity currently held for reuse.
  size_t held();

  static constexpr size_t min_kept = 16 * 1024;
  static constexpr size_t max_kept = 4 * 1024 * 1024;
  static constexpr size_t total_max = 32 * 1024 * 1024;

 private:
  std::mutex mutex_;
  std::vector<std::vector<char>> free_;
  size_t total_ = 0;  // capacity held in free_
};

}  // namespace gnatsd
