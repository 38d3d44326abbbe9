// One client connection's protocol state and behaviour: the session logic of nats-server's
// client.go (CONNECT, auth, PUB/HPUB delivery, SUB/UNSUB, PING/PONG, verbose, pedantic, echo,
// no_responders, auto-unsubscribe, slow-consumer accounting), free of actors and sockets.
//
// The client_session actor owns one of these and turns its effects into sends: bytes for the
// own socket (`take_output`), batches for other sessions (`flush_deliveries`, which calls each
// destination's `subscriber::deliver` once per read buffer), and a close request. Everything
// here runs inside one actor turn at a time; shared state is reached through server_context.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/certificate_user.hpp"
#include "auth/permissions.hpp"
#include "connection/outbound.hpp"
#include "connection/write_deadline.hpp"
#include "monitor/connection_stats.hpp"
#include "proto/connect_options.hpp"
#include "proto/protocol_parser.hpp"
#include "routing/interest_change.hpp"
#include "routing/message_router.hpp"
#include "server/server_context.hpp"
#include "sublist/sublist.hpp"
#include "util/prng.hpp"

namespace gnatsd {

/// Why a connection was closed; the texts follow nats-server's ClosedState strings.
enum class close_reason {
  client_closed,
  protocol_error,  // -ERR then close, or a silent protocol violation
  auth_violation,
  auth_timeout,
  stale_connection,
  slow_consumer_pending,
  slow_consumer_deadline,
  max_connections,
  server_shutdown,
  write_error,
  read_error,
  tls_handshake_failure,
  max_control_line,
  max_payload,
  bad_client_protocol,
  no_responders_requires_headers,
  max_account_connections,
};

std::string_view close_reason_text(close_reason r);
/// The close a protocol error causes (errors that close; others never reach it).
close_reason close_reason_for(proto::error_code code);

class client_connection final : public proto::client_op_handler {
 public:
  client_connection(server_context_ptr ctx, uint64_t cid, std::string remote_host, int remote_port,
                    std::shared_ptr<subscriber> self, prng rng);
  ~client_connection() override;

  // -- events ----------------------------------------------------------------------------------

  /// Queues the INFO; call once when the connection is accepted. `tls`: the connection runs
  /// TLS (the INFO says `tls_required` and the handshake follows it). `greeted`: the
  /// listener already sent the INFO (server_context::client_info) as it accepted.
  void start(bool tls = false, bool greeted = false);
  /// The actor clock's time, set before each read buffer (service replies expire by it).
  void set_now(duration now) {
    now_ = now;
    router_.set_now(now);
  }
  /// Parses and processes one read buffer.
  void receive(const char* data, size_t size);
  /// The ping timer fired: send PING or close a stale connection.
  void ping_timer();
  /// The server held this client's input (a producer stall) during the current ping
  /// interval: its PONGs may wait unread behind its publishes, so the interval does not
  /// count against it.
  void input_held() { input_held_ = true; }
  /// The auth timer fired: close if CONNECT has not authenticated yet.
  void auth_timer();
  /// The transport finished the TLS handshake; `error` is empty on success, otherwise the
  /// connection closes. `peer` is what the client's certificate names (verify_and_map).
  void tls_handshake_done(const std::string& error, const std::string& version,
                          const std::string& cipher, certificate_names peer = {});
  /// Frames from another publisher's read buffer arrived for this connection.
  void deliver(delivery_batch batch);
  /// A publisher used up the auto-unsubscribe limit of one of our subscriptions.
  void expire_subscription(uint64_t subscription_id);
  /// A write-deadline check (every write_deadline::check_interval while bytes are pending);
  /// `now` is the actor clock's time. Bytes that waited longer than write_deadline make the
  /// client a slow consumer, closed without flushing, as nats-server does.
  void write_deadline_check(duration now);
  /// Whether write-deadline checks must keep running.
  bool deadline_active() const { return deadline_.active(); }
  /// A config reload replaced the limits and the authorization: takes the new limits (they
  /// apply from the next operation on), then re-checks the authorization.
  void reload();
  /// The limits this connection works with (server_context::current_limits when it was
  /// accepted or last reloaded).
  const connection_limits& limits() const { return *limits_; }
  /// A config reload replaced the authorization (server_context::current_auth): re-checks
  /// this client as nats-server 2.9 does. A removed user is closed with nothing written; a
  /// changed password or token closes with Authorization Violation; new permissions apply at
  /// once, and each subscription they no longer allow is removed with an -ERR.
  void reload_authorization();
  /// Sends `-ERR '<text>'` for `code` and closes if the code closes.
  void fail(proto::error_code code);
  /// Removes every subscription; call once when the connection is gone.
  void cleanup();
  /// The transport closed the connection (`reason` from net::connection_handler::on_closed):
  /// records why, as /connz shows it ("Client Closed", "Read Error", "Write Error").
  void transport_closed(std::string_view reason);
  /// The cluster's client URLs changed: protocol-1 clients get an INFO with the new list.
  void connect_urls_changed();

  // -- effects ---------------------------------------------------------------------------------

  /// Chunks to write to this connection's socket, in order; counted as pending bytes.
  /// `now`: the actor clock's time, for the write deadline.
  std::vector<std::vector<char>> take_output(duration now);
  /// Hands each destination its batch of frames built during the last read buffer.
  void flush_deliveries();
  /// Whether `take_output` has something to write (a PONG, +OK, -ERR or a message).
  bool has_output() const { return !out_.empty(); }
  /// Producer stall (routing/producer_stall.hpp): whether the last read buffer left a client
  /// destination with more than half of max_pending to write; the session then holds the
  /// read credit until `stall_cleared()` or `stall_wait()` has passed.
  bool producer_stalled() const { return router_.stalled(); }
  duration stall_wait() const { return router_.stall_wait(); }
  bool stall_cleared() { return router_.stall_cleared(); }
  bool stall_holds() const { return router_.stall_holds(); }
  bool stall_progressing() const { return router_.stall_progressing(); }
  /// Local interest changes since the last call, in transition order.
  std::vector<interest_change> take_interest_changes();

  bool closing() const { return closing_; }
  close_reason reason() const { return reason_; }
  /// When closing: whether queued output should still be written before the socket closes
  /// (-ERR closes flush; a slow consumer is closed without flushing, as nats-server does).
  bool flush_before_close() const { return flush_before_close_; }

  // -- properties ------------------------------------------------------------------------------

  uint64_t cid() const { return cid_; }
  /// Whether CONNECT logged the client in, and to which account.
  bool authorized() const { return authorized_; }
  const std::string& account_name() const { return account_->name(); }
  const proto::connect_options& connect() const { return connect_; }
  size_t pending_bytes() const { return deadline_.pending(); }
  size_t subscription_count() const { return subs_.size(); }
  const std::string& log_prefix() const { return prefix_; }
  uint64_t in_msgs() const { return in_msgs_; }
  uint64_t out_msgs() const { return total_out_msgs_ + out_msgs_; }
  bool mid_operation() const { return parser_.mid_operation(); }
  /// Live statistics for monitoring (shared with the server actor).
  const connection_stats_ptr& stats() const { return stats_; }
  /// Writes statistics into `stats` (created by the server); call before start().
  void use_stats(connection_stats_ptr stats);

 private:
  // proto::client_op_handler
  bool on_connect(std::string_view json) override;
  bool on_pub(std::string_view subject, std::string_view reply, std::string_view payload) override;
  bool on_hpub(std::string_view subject, std::string_view reply, size_t header_size,
               std::string_view message) override;
  bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) override;
  bool on_unsub(std::string_view sid, std::string_view max) override;
  bool on_ping() override;
  bool on_pong() override;

  bool authorize();
  std::string authentication_error() const;
  bool authorize_by_certificate(const authorization_options& auth);
  /// Takes `u`'s account and permissions; false if its account does not exist.
  bool log_in_as(const user_entry& u);
  const user_entry* no_auth_user(const authorization_options& auth) const;
  bool authorize_by_nkey(const authorization_options& auth);
  // Permission checks; on a violation they send nats-server's -ERR and log it.
  bool may_publish(std::string_view subject);
  bool may_subscribe(std::string_view subject, std::string_view queue, std::string_view sid);
  std::string current_info() const;
  void answered_tracked_request(std::string_view reply);
  bool publish(std::string_view subject, std::string_view reply, size_t header_size,
               std::string_view message);
  void send_no_responders(std::string_view reply);
  void remove_subscription(const subscription_ptr& sub);
  void apply_limits(std::shared_ptr<const connection_limits> limits);
  std::shared_ptr<const connection_limits> with_account_limits(
      std::shared_ptr<const connection_limits> server) const;
  void append(std::string_view bytes);
  void send_err(std::string_view text);
  void ok();
  void close(close_reason why, bool flush);
  void slow_consumer_pending(size_t max_pending);
  /// Takes what the socket wrote since the last look (subscriber::written, counted by the
  /// transport) into the pending bytes and the write deadline.
  void sync_written();
  void trace_in(std::string_view op, std::string_view args);

  server_context_ptr ctx_;
  connection_stats_ptr stats_ = std::make_shared<connection_stats>();
  uint64_t cid_;
  std::string prefix_;  // "host:port - cid:N - " for log lines
  std::string remote_host_;
  std::shared_ptr<subscriber> self_;
  prng rng_;
  std::string mapped_subject_;
  int64_t told_payload_ = -1;  // the account's lower max_payload, once an INFO said it  // a mapped
                               // publish subject (accounts/subject_mappings.hpp)
  std::shared_ptr<const connection_limits> limits_;
  proto::protocol_parser parser_;
  proto::connect_options connect_;
  bool connect_received_ = false;
  bool authorized_ = false;
  std::string user_;  // the `users` entry this client logged in as
  account_ptr account_;
  duration now_{};  // the actor clock's time of the read buffer being processed  // where its
                    // subscriptions live and its messages go ($G until CONNECT)
  bool counted_in_account_ = false;
  bool tls_ = false;
  certificate_names peer_certificate_;               // names in the client's TLS certificate
  std::unique_ptr<permission_checker> permissions_;  // null: everything allowed
  static constexpr size_t publish_verdicts_max = 1024;
  std::unordered_map<std::string, bool> publish_verdicts_;  // by subject, while permitted
  std::string verdict_key_;

  // By sid, sorted: what walks it (a close's RS- lines, a reload's -ERR lines) comes out in
  // the same order on every run and every standard library (a hash map's order is neither).
  std::map<std::string, subscription_ptr, std::less<>> subs_;
  std::vector<interest_change> interest_changes_;

  message_router router_;

  outbound out_;             // replies and delivery batches, in order
  write_deadline deadline_;  // handed to the socket and not yet written, and since when

  int pings_outstanding_ = 0;
  duration ping_sent_{};  // when the last PING went out (the round trip ends at its PONG)
  bool activity_since_ping_ = false;
  bool skipped_ping_ = false;  // the last ping interval was skipped for inbound activity
  bool input_held_ = false;    // see input_held()
  bool closing_ = false;
  bool flush_before_close_ = true;
  close_reason reason_ = close_reason::client_closed;

  uint64_t in_msgs_ = 0, in_bytes_ = 0;
  uint64_t out_msgs_ = 0, out_bytes_ = 0;  // since the last take_output
  uint64_t total_out_msgs_ = 0;
};

}  // namespace gnatsd
