// A simulated NATS client for cluster scenarios: it connects to one server over the
// simulated network with the protocol options of its plan (headers, echo), subscribes
// (plain, wildcard, queue), unsubscribes (also with an auto-unsubscribe limit), publishes
// payloads that identify each publication (sim/message_id.hpp) with or without headers and
// reply subjects, flushes with PING/PONG, answers the server's PINGs, and reports every MSG
// and HMSG it receives to a sink. Like a real client it re-sends its subscriptions (with
// what is left of their limits) when it connects again after its server came back.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim_network.hpp"

namespace gnatsd::sim {

class workload_client;

/// One message as a client received it.
struct received_message {
  std::string_view subject;
  std::string_view sid;
  std::string_view reply;
  bool hmsg = false;        // it came as HMSG
  std::string_view header;  // HMSG: the header section
  std::string_view payload;
};

/// Receives what simulated clients see.
class delivery_sink {
 public:
  virtual ~delivery_sink() = default;
  virtual void on_delivery(const workload_client& client, const received_message& m) = 0;
  /// The server sent -ERR or something the client cannot parse.
  virtual void on_client_error(const workload_client& client, std::string_view what) = 0;
  /// The id of the newest publication so far (a PONG's confirmation is stamped with it).
  virtual uint64_t last_published() const = 0;
};

struct client_subscription {
  std::string sid;
  std::string subject;
  std::string queue;  // empty: plain
  bool active = true;
  bool pinned = false;   // the inbox or a probe's: never chosen by the plan's UNSUB ops
  int64_t max = 0;       // auto-unsubscribe limit (0: none), counted from the SUB
  int64_t received = 0;  // messages received on it
  // Set when a PONG confirmed its limit on this connection: the newest publication then (0:
  // not confirmed). Messages the server counted before it read the UNSUB may still pass the
  // limit (arriving even after the PONG), but nothing published after it.
  uint64_t limit_confirmed_after = 0;
  int64_t counted_from = 0;  // `received` when its SUB was last sent (the server counts from
                             // there: a reconnect's SUB starts the count again)
  // Set when a PONG confirmed the UNSUB: messages published after the one with this id must
  // never arrive (0: not confirmed).
  uint64_t gone_after_message = 0;
};

struct client_options {
  bool headers = true;
  bool echo = true;
  std::string user = "g";  // logs in as this user (password: the same), so to its account
};

class workload_client final : public net::connection_handler {
 public:
  workload_client(int index, int home, client_options options, delivery_sink& sink,
                  coverage_counters& coverage)
      : index_(index), home_(home), options_(options), sink_(sink), coverage_(coverage) {}

  int index() const { return index_; }
  int home() const { return home_; }  // the server it connects to
  const client_options& options() const { return options_; }
  bool connected() const { return end_ != nullptr && !closed_; }
  /// How many times it has connected: a probe spanning two epochs lost its connection.
  int epoch() const { return epoch_; }
  const std::vector<client_subscription>& subscriptions() const { return subs_; }
  client_subscription* subscription(std::string_view sid);

  /// Connects (again) and re-sends the active subscriptions. False if nothing listens.
  bool connect(sim_network& net, const std::string& host, int port,
               const std::shared_ptr<workload_client>& self);
  /// Gives up the connection without a word (its server crashed).
  void abandon();

  /// Subscribes; returns the new subscription's sid.
  std::string subscribe(const std::string& subject, const std::string& queue);
  /// Unsubscribes the `n`-th active subscription (modulo); its sid, or empty if none.
  std::string unsubscribe(size_t n);
  /// `UNSUB sid max` for the `n`-th active subscription, `more` messages beyond what it has
  /// received, and a PING to confirm it; false if there is none (subscriptions that have a
  /// limit already are not chosen).
  bool auto_unsubscribe(size_t n, int64_t more);
  void publish(const std::string& subject, const std::string& payload,
               const std::string& reply = {}, const std::string& header = {});
  /// The wildcard subject its replies come to (subscribed on first use, as clients do).
  std::string inbox();
  /// Sends PING; `on_pong` runs when its PONG arrives (never, if the connection is lost).
  void flush(std::function<void()> on_pong);
  /// Subscribes to `subject` for a probe: pinned, so no UNSUB op of the plan takes it.
  std::string subscribe_pinned(const std::string& subject);
  /// Pins the newest subscription (see client_subscription::pinned).
  void pin_last() { subs_.back().pinned = true; }
  /// Unsubscribes by sid.
  void unsubscribe_sid(const std::string& sid);

  void on_bytes(std::vector<char> data) override;
  void on_flushed(size_t) override {}
  void on_closed(std::string reason) override;

  /// Called when the server or the network closed the connection (not on `abandon`); the
  /// scenario reconnects the client later, as a real client does.
  std::function<void(workload_client&)> on_lost;
  /// Called after the sink for every message received (a responder answers requests here).
  std::function<void(workload_client&, const received_message&)> on_message;

 private:
  void send(const std::string& text);
  bool parse_one();  // false when more bytes are needed (or the stream is broken)
  bool parse_msg_line(const std::string& line);
  void deliver();
  static std::string sub_line(client_subscription& s);

  int index_, home_;
  client_options options_;
  delivery_sink& sink_;
  coverage_counters& coverage_;
  std::shared_ptr<sim_end> end_;
  bool closed_ = false;
  int epoch_ = 0;
  std::vector<client_subscription> subs_;
  std::string inbox_;
  std::deque<std::function<void()>> pongs_;  // what to run on each awaited PONG
  std::string in_;                           // received and not yet parsed
  bool awaiting_ = false;  // a MSG/HMSG line was parsed; its payload (+CRLF) follows
  size_t awaiting_header_ = 0, awaiting_total_ = 0;
  bool awaiting_hmsg_ = false;
  std::string msg_subject_, msg_sid_, msg_reply_;
  bool broken_ = false;
};

}  // namespace gnatsd::sim
