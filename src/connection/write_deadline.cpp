#include "connection/write_deadline.hpp"

#include <algorithm>

#include "util/assert.hpp"

namespace gnatsd {

void write_deadline::handed(uint64_t bytes, duration now, duration deadline) {
  if (bytes == 0) return;
  handed_ += bytes;
  chunks_.push_back(bytes);
  // A mark per check interval at most: bytes handed soon after the last mark wait for the
  // next check to be marked (later, never earlier, than they were handed).
  if (marks_.empty() || now - marks_.back().at >= check_interval(deadline)) add_mark(now);
}

void write_deadline::add_mark(duration now) {
  marks_.push_back(mark{now, handed_, flushed_, chunks_.size()});
}

void write_deadline::flushed(uint64_t bytes) {
  GNATSD_ASSERT(bytes <= pending());
  flushed_ += bytes;
  front_written_ += bytes;
  while (!chunks_.empty() && front_written_ >= chunks_.front()) {
    front_written_ -= chunks_.front();
    chunks_.pop_front();
  }
}

write_deadline::verdict write_deadline::check(duration now, duration deadline) {
  while (!marks_.empty() && marks_.front().handed <= flushed_)
    marks_.pop_front();  // reached in time
  if (pending() > 0 && (marks_.empty() || marks_.back().handed < handed_)) add_mark(now);
  verdict v;
  if (marks_.empty() || now - marks_.front().at < deadline) return v;
  const mark& m = marks_.front();
  v.exceeded = true;
  v.attempted = m.handed - m.flushed;
  v.chunks = m.chunks;
  v.written = flushed_ - m.flushed;
  marks_.clear();
  return v;
}

duration write_deadline::check_interval(duration deadline) {
  constexpr duration most = std::chrono::milliseconds{500};
  constexpr duration least = std::chrono::milliseconds{1};
  return std::clamp<duration>(deadline / 4, least, most);
}

}  // namespace gnatsd
