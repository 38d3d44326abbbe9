// The output half of a client connection (connection/client_connection.hpp): deliveries
// from publishers checked against max_pending, the write deadline, and output handed to the
// socket with the counters it moves; a client over either limit is a slow consumer.
#include "connection/client_connection.hpp"

namespace gnatsd {

void client_connection::deliver(delivery_batch batch) {
  self_->in_transit.fetch_sub(static_cast<int64_t>(batch.bytes.size()), std::memory_order_relaxed);
  if (closing_ || batch.bytes.empty()) return;
  sync_written();
  const size_t queued = deadline_.pending() + out_.buffered() + batch.bytes.size();
  const auto max_pending = static_cast<size_t>(limits_->max_pending);
  if (max_pending > 0 && queued > max_pending) {
    slow_consumer_pending(max_pending);
    return;
  }
  out_msgs_ += batch.messages;
  out_bytes_ += batch.bytes.size();
  out_.push_chunk(std::move(batch.bytes));
}

void client_connection::slow_consumer_pending(size_t max_pending) {
  ctx_->counters.slow_consumers.fetch_add(1, std::memory_order_relaxed);
  account_->slow_consumers.fetch_add(1, std::memory_order_relaxed);
  ctx_->log->info(prefix_ + "Slow Consumer Detected: MaxPending of " + std::to_string(max_pending) +
                  " Exceeded");
  close(close_reason::slow_consumer_pending, false);
}

void client_connection::sync_written() {
  deadline_.written_total(static_cast<uint64_t>(self_->written.load(std::memory_order_acquire)));
  stats_->pending_bytes.store(deadline_.pending(), std::memory_order_relaxed);
}

void client_connection::write_deadline_check(duration now) {
  if (closing_) return;
  sync_written();
  const auto v = deadline_.check(now, limits_->write_deadline);
  if (!v.exceeded) return;
  if (!authorized_) {
    // Not logged in yet: closed, but not counted or logged as a slow consumer (nats-server).
    close(close_reason::slow_consumer_deadline, false);
    return;
  }
  ctx_->counters.slow_consumers.fetch_add(1, std::memory_order_relaxed);
  account_->slow_consumers.fetch_add(1, std::memory_order_relaxed);
  ctx_->log->info(prefix_ + "Slow Consumer Detected: WriteDeadline of " +
                  format_go_duration(limits_->write_deadline) + " exceeded with " +
                  std::to_string(v.chunks) + " chunks of " + std::to_string(v.attempted) +
                  " total bytes.");
  close(close_reason::slow_consumer_deadline, false);
}

std::vector<std::vector<char>> client_connection::take_output(duration now) {
  sync_written();
  auto chunks = out_.take();
  int64_t handed = 0;
  for (const auto& c : chunks) {
    deadline_.handed(c.size(), now, limits_->write_deadline);
    handed += static_cast<int64_t>(c.size());
  }
  self_->handed.fetch_add(handed, std::memory_order_relaxed);
  ctx_->counters.out_msgs.fetch_add(out_msgs_, std::memory_order_relaxed);
  ctx_->counters.out_bytes.fetch_add(out_bytes_, std::memory_order_relaxed);
  if (out_msgs_ != 0) {
    account_->sent_msgs.fetch_add(out_msgs_, std::memory_order_relaxed);
    account_->sent_bytes.fetch_add(out_bytes_, std::memory_order_relaxed);
  }
  total_out_msgs_ += out_msgs_;
  stats_->out_msgs.fetch_add(out_msgs_, std::memory_order_relaxed);
  stats_->out_bytes.fetch_add(out_bytes_, std::memory_order_relaxed);
  stats_->pending_bytes.store(deadline_.pending(), std::memory_order_relaxed);
  out_msgs_ = out_bytes_ = 0;
  // Replies the client asked for (PONG, +OK, -ERR, its own messages) count against
  // max_pending too: one that sends PINGs and never reads is closed like a slow subscriber,
  // instead of making the server hold its PONGs without bound.
  const auto max_pending = static_cast<size_t>(limits_->max_pending);
  if (!closing_ && max_pending > 0 && deadline_.pending() > max_pending)
    slow_consumer_pending(max_pending);
  return chunks;
}

}  // namespace gnatsd
