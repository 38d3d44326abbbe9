// What a connection to another server does with its output, whether it is a route or a
// gateway: protocol and delivery batches queued in order, the write deadline (a peer that
// took nothing for write_deadline is closed, one that took something is kept, as
// nats-server does for routes and gateways), max_pending as the hard bound on what waits
// for the peer, PINGs whatever the traffic with their round trip, and the close.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connection/outbound.hpp"
#include "connection/write_deadline.hpp"
#include "monitor/connection_stats.hpp"
#include "proto/framed_parser.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

class peer_link {
 public:
  /// Raw protocol to send (interest, gossip, INFO commands).
  void send(std::string_view bytes);
  /// Frames from a publisher's read buffer.
  void deliver(delivery_batch batch);
  /// Sends PING every ping interval, whatever else the peer sends: only a PONG proves that
  /// the peer still reads; ping_max unanswered ones close the connection as stale.
  void ping_timer();
  /// A write-deadline check (every write_deadline::check_interval while bytes are pending);
  /// `now` is the actor clock's time.
  void write_deadline_check(duration now);
  /// What to write now; `now`: the actor clock's time, for the write deadline.
  std::vector<std::vector<char>> take_output(duration now);

  bool closing() const { return closing_; }
  const std::string& close_reason() const { return close_reason_; }
  /// When closing: whether queued output is still written first (not for a slow consumer,
  /// whose socket would not take it anyway: nats-server skips that flush too).
  bool flush_before_close() const { return flush_before_close_; }
  /// Bytes handed to the socket and not yet written.
  uint64_t pending_bytes() const { return deadline_.pending(); }
  bool deadline_active() const { return deadline_.active(); }
  const std::string& log_prefix() const { return prefix_; }
  const connection_stats_ptr& stats() const { return stats_; }
  /// Writes statistics into `stats` (created by the server); call before start().
  void use_stats(connection_stats_ptr stats) { stats_ = std::move(stats); }

 protected:
  /// `kind`: "Route" or "Gateway", for the log lines.
  peer_link(server_context_ptr ctx, std::shared_ptr<subscriber> self, const char* kind)
      : ctx_(std::move(ctx)), self_(std::move(self)), kind_(kind) {}
  ~peer_link() = default;

  /// Runs one read buffer through `parse` (a call of the connection's parser). A parse error
  /// is answered with its -ERR (if it has one), logged as "<kind> Error <reason>" and closes
  /// the connection; what was received is added to the server's counters once per buffer
  /// (they are shared with other threads), not once per message.
  template <class Parse>
  void parse_read(Parse&& parse) {
    const uint64_t msgs_before = in_msgs_, bytes_before = in_bytes_;
    const proto::parse_status st = parse();
    if (!st.ok && !st.stopped_by_handler) parse_failed(st);
    count_received(msgs_before, bytes_before);
  }
  /// A message of `bytes` from the peer (for the counters).
  void message_received(size_t bytes) {
    ++in_msgs_;
    in_bytes_ += bytes;
  }
  uint64_t messages_received() const { return in_msgs_; }

  /// A PING from the peer: answered with a PONG (both traced).
  void ping_received();
  /// A PONG: the peer reads; the round trip of our last PING is its RTT.
  void pong_received();
  /// Takes what the socket wrote since the last look (subscriber::written) into the pending
  /// bytes and the write deadline.
  void sync_written();
  void close(std::string why, bool flush = true);
  void append(std::string_view bytes) { out_.append(bytes); }
  void trace(std::string_view direction, std::string_view op);

  server_context_ptr ctx_;
  connection_stats_ptr stats_ = std::make_shared<connection_stats>();
  std::shared_ptr<subscriber> self_;
  std::string prefix_;  // "host:port - rid:N - " or "... - gid:N - "
  duration now_{};      // the actor clock's time of the event being handled
  outbound out_;
  write_deadline deadline_;

 private:
  void parse_failed(const proto::parse_status& st);
  void count_received(uint64_t msgs_before, uint64_t bytes_before);

  const char* kind_;
  uint64_t in_msgs_ = 0, in_bytes_ = 0;
  int pings_outstanding_ = 0;
  duration ping_sent_at_{};
  bool closing_ = false;
  bool flush_before_close_ = true;
  std::string close_reason_;
};

}  // namespace gnatsd
