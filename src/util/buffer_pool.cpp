#include "util/buffer_pool.hpp"

namespace gnatsd {

buffer_pool& buffer_pool::shared() {
  static buffer_pool pool;
  return pool;
}

std::vector<char> buffer_pool::take(size_t capacity) {
  if (capacity >= min_kept) {
    std::lock_guard<std::mutex> guard{mutex_};
    // The most recently returned buffers are at the back and the most likely to be cached.
    for (size_t i = free_.size(); i-- > 0;) {
      if (free_[i].capacity() < capacity) continue;
      std::vector<char> out = std::move(free_[i]);
      free_[i] = std::move(free_.back());
      free_.pop_back();
      total_ -= out.capacity();
      return out;
    }
  }
  std::vector<char> fresh;
  fresh.reserve(capacity);
  return fresh;
}

size_t buffer_pool::held() {
  std::lock_guard<std::mutex> guard{mutex_};
  return total_;
}

void buffer_pool::give(std::vector<char>&& buffer) {
  const size_t cap = buffer.capacity();
  if (cap < min_kept || cap > max_kept) return;
  buffer.clear();
  std::vector<char> keep = std::move(buffer);
  std::lock_guard<std::mutex> guard{mutex_};
  if (total_ + cap > total_max) return;  // full: `keep` is freed
  total_ += cap;
  free_.push_back(std::move(keep));
}

}  // namespace gnatsd
