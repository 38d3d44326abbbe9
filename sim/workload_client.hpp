// A simulated NATS client for cluster scenarios: it connects to one server over the
// simulated network, subscribes (plain, wildcard, queue), unsubscribes and publishes
// payloads that identify each publication (sim/message_id.hpp), answers the server's PINGs,
// and reports every MSG it receives to a sink. Like a real client it re-sends its
// subscriptions when it connects again after its server came back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim_network.hpp"

namespace gnatsd::sim {

class workload_client;

/// Receives what simulated clients see.
class delivery_sink {
 public:
  virtual ~delivery_sink() = default;
  virtual void on_delivery(const workload_client& client, std::string_view subject,
                           std::string_view sid, std::string_view payload) = 0;
  /// The server sent -ERR or something the client cannot parse.
  virtual void on_client_error(const workload_client& client, std::string_view what) = 0;
};

struct client_subscription {
  std::string sid;
  std::string subject;
  std::string queue;  // empty: plain
  bool active = true;
};

class workload_client final : public net::connection_handler {
 public:
  workload_client(int index, int home, delivery_sink& sink, coverage_counters& coverage)
      : index_(index), home_(home), sink_(sink), coverage_(coverage) {}

  int index() const { return index_; }
  int home() const { return home_; }  // the server it connects to
  bool connected() const { return end_ != nullptr && !closed_; }
  const std::vector<client_subscription>& subscriptions() const { return subs_; }

  /// Connects (again) and re-sends the active subscriptions. False if nothing listens.
  bool connect(sim_network& net, const std::string& host, int port,
               const std::shared_ptr<workload_client>& self);
  /// Gives up the connection without a word (its server crashed).
  void abandon();

  /// Subscribes; returns the new subscription's sid.
  std::string subscribe(const std::string& subject, const std::string& queue);
  /// Unsubscribes the `n`-th active subscription (modulo); false if there is none.
  bool unsubscribe(size_t n);
  void publish(const std::string& subject, const std::string& payload);

  void on_bytes(std::vector<char> data) override;
  void on_flushed(size_t) override {}
  void on_closed(std::string reason) override;

  /// Called when the server or the network closed the connection (not on `abandon`); the
  /// scenario reconnects the client later, as a real client does.
  std::function<void(workload_client&)> on_lost;

 private:
  void send(const std::string& text);
  bool parse_one();  // false when more bytes are needed (or the stream is broken)

  int index_, home_;
  delivery_sink& sink_;
  coverage_counters& coverage_;
  std::shared_ptr<sim_end> end_;
  bool closed_ = false;
  std::vector<client_subscription> subs_;
  std::string in_;         // received and not yet parsed
  bool awaiting_ = false;  // a MSG line was parsed; its payload (+CRLF) follows
  size_t awaiting_payload_ = 0;
  std::string msg_subject_, msg_sid_;
  bool broken_ = false;
};

}  // namespace gnatsd::sim
