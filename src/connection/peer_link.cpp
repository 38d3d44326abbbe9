#include "connection/peer_link.hpp"

namespace gnatsd {

void peer_link::send(std::string_view bytes) {
  if (!closing_) append(bytes);
}

void peer_link::deliver(delivery_batch batch) {
  // The producer counted the batch as in transit to us (its stall mark looks at that).
  self_->in_transit.fetch_sub(static_cast<int64_t>(batch.bytes.size()), std::memory_order_relaxed);
  if (closing_ || batch.bytes.empty()) return;
  stats_->out_msgs.fetch_add(batch.messages, std::memory_order_relaxed);
  stats_->out_bytes.fetch_add(batch.bytes.size(), std::memory_order_relaxed);
  out_.push_chunk(std::move(batch.bytes));
}

void peer_link::sync_written() {
  deadline_.written_total(static_cast<uint64_t>(self_->written.load(std::memory_order_acquire)));
  stats_->pending_bytes.store(deadline_.pending(), std::memory_order_relaxed);
}

void peer_link::ping_timer() {
  if (closing_) return;
  if (pings_outstanding_ + 1 > ctx_->current_limits()->ping_max) {
    append("-ERR 'Stale Connection'\r\n");
    ctx_->log->debugf(prefix_ + "Stale " + kind_ + " Connection");
    close("Stale Connection");
    return;
  }
  ++pings_outstanding_;
  ping_sent_at_ = now_;
  append("PING\r\n");
}

void peer_link::ping_received() {
  if (ctx_->log->trace) trace("<<-", "PING");
  append("PONG\r\n");
  if (ctx_->log->trace) trace("->>", "PONG");
}

void peer_link::pong_received() {
  if (ctx_->log->trace) trace("<<-", "PONG");
  pings_outstanding_ = 0;
  if (ping_sent_at_ != duration::zero())
    stats_->rtt_ns.store(std::max<int64_t>(1, (now_ - ping_sent_at_).count()),
                         std::memory_order_relaxed);
}

void peer_link::write_deadline_check(duration now) {
  if (closing_) return;
  sync_written();
  const auto limit = ctx_->current_limits()->write_deadline;
  const auto v = deadline_.check(now, limit);
  if (!v.exceeded) return;
  ctx_->counters.slow_consumers.fetch_add(1, std::memory_order_relaxed);
  ctx_->log->info(prefix_ + "Slow Consumer Detected: WriteDeadline of " +
                  format_go_duration(limit) + " exceeded with " + std::to_string(v.chunks) +
                  " chunks of " + std::to_string(v.attempted) + " total bytes.");
  // nats-server 2.x keeps a slow route or gateway that still makes progress: dropping it
  // loses every message in flight between two servers, and a congested link would flap.
  if (v.written == 0) close("Slow Consumer (Write Deadline)", false);
}

std::vector<std::vector<char>> peer_link::take_output(duration now) {
  sync_written();
  auto chunks = out_.take();
  const auto limit = ctx_->current_limits()->write_deadline;
  int64_t handed = 0;
  for (const auto& c : chunks) {
    deadline_.handed(c.size(), now, limit);
    handed += static_cast<int64_t>(c.size());
  }
  self_->handed.fetch_add(handed, std::memory_order_relaxed);
  stats_->pending_bytes.store(deadline_.pending(), std::memory_order_relaxed);
  const auto max_pending = static_cast<uint64_t>(ctx_->current_limits()->max_pending);
  if (!closing_ && max_pending > 0 && deadline_.pending() > max_pending) {
    // Producers stall in front of a peer over half of max_pending until it drains, so this
    // takes a peer that asks for replies (PING) and does not read them, or hundreds of
    // publishers overshooting at once: the one hard bound on a peer connection's memory.
    ctx_->counters.slow_consumers.fetch_add(1, std::memory_order_relaxed);
    ctx_->log->info(prefix_ + "Slow Consumer Detected: MaxPending of " +
                    std::to_string(max_pending) + " Exceeded");
    close("Slow Consumer (Pending Bytes)", false);
  }
  return chunks;
}

void peer_link::close(std::string why, bool flush) {
  if (closing_) return;
  closing_ = true;
  flush_before_close_ = flush;
  close_reason_ = std::move(why);
}

void peer_link::parse_failed(const proto::parse_status& st) {
  const auto text = proto::error_text(st.error);
  if (!text.empty()) append("-ERR '" + std::string{text} + "'\r\n");
  ctx_->log->error(prefix_ + kind_ + " Error " + std::string{proto::error_log_reason(st.error)});
  close("Protocol Violation");
}

void peer_link::count_received(uint64_t msgs_before, uint64_t bytes_before) {
  ctx_->counters.in_msgs.fetch_add(in_msgs_ - msgs_before, std::memory_order_relaxed);
  ctx_->counters.in_bytes.fetch_add(in_bytes_ - bytes_before, std::memory_order_relaxed);
  stats_->in_msgs.store(in_msgs_, std::memory_order_relaxed);
  stats_->in_bytes.store(in_bytes_, std::memory_order_relaxed);
}

void peer_link::trace(std::string_view direction, std::string_view op) {
  ctx_->log->log(log_level::trace, prefix_ + std::string{direction} + " [" + std::string{op} + "]");
}

}  // namespace gnatsd
