// The transport adapter: how the actor layer talks to a network without knowing which one.
//
// Two implementations exist: net/asio (real TCP sockets, production and end-to-end tests)
// and sim/ (an in-memory network driven by the deterministic simulator). The interface moves
// bytes only; all protocol state lives in the actors. Events are reported through a
// connection_handler that the actor layer implements by sending messages to the owning actor.
//
// TLS is an adapter concern: a listener or a dial names its `tls_settings` and the actors
// see plain bytes either way; they only hear how the handshake went (`on_tls`). The
// simulated network moves plain bytes and refuses TLS settings.
//
// Read credits bound the memory in flight: after an `on_bytes` event the connection reads
// again only when the owner calls `resume_reading` (the read credit, which bounds the
// owner's mailbox).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/certificate_user.hpp"

namespace gnatsd::net {

struct endpoint {
  std::string host;
  int port = 0;
};

/// How the bytes of a listener's or a dialled connection are protected.
struct tls_settings {
  enum class mode {
    none,
    // The first write (the client INFO) goes out in clear, then the server handshakes:
    // nats-server's client port.
    after_greeting,
    // The handshake comes before any byte: nats-server's route port, and route dials.
    first,
  };
  mode when = mode::none;
  std::string cert_file, key_file;
  std::string ca_file;       // empty: the system's trusted roots
  bool verify_peer = false;  // require a peer certificate signed by the CA
  std::chrono::milliseconds timeout{2000};
  std::string server_name;                 // dials: the name the server's certificate must carry
  bool insecure = false;                   // dials: accept any server certificate
  std::vector<std::string> cipher_suites;  // IANA names for TLS 1.2; empty: the defaults
  std::vector<std::string> groups;         // OpenSSL group names ("P-256", "X25519")

  bool enabled() const { return when != mode::none; }
};

/// The end of a TLS handshake: `error` is empty on success.
struct tls_outcome {
  std::string error;
  std::string version;     // "1.3"
  std::string cipher;      // the IANA name, as Go prints it: "TLS_AES_128_GCM_SHA256"
  certificate_names peer;  // what the peer's certificate names (empty without one)
};

/// The timers a connection runs for its owner, on the transport's own clock and thread (the
/// Asio reactor, the simulator's event queue): arming one costs no thread wake-up, and they
/// end with the connection. A CAF timer per connection cost the timer thread a wake-up to
/// arm and another to fire, a third of the context switches of a short-lived connection.
struct connection_timers {
  std::chrono::nanoseconds first_ping{0};     // 0: no keepalive
  std::chrono::nanoseconds ping_interval{0};  // after the first
  std::chrono::nanoseconds auth_timeout{0};   // 0: none; fires once
  std::chrono::nanoseconds write_check{0};    // 0: none; ticks while written bytes wait
};

enum class timer_kind { ping, auth, write_check };

/// Receives the events of one connection. Calls may come from any thread, never
/// concurrently for one connection. After `on_closed` no further events arrive.
class connection_handler {
 public:
  virtual ~connection_handler() = default;
  /// A whole read buffer. No further read is issued until `resume_reading`.
  virtual void on_bytes(std::vector<char> data) = 0;
  /// `bytes` previously passed to `write` reached the socket.
  virtual void on_flushed(size_t bytes) = 0;
  /// The connection is gone (peer closed, reset, or after our own `close`).
  virtual void on_closed(std::string reason) = 0;
  /// TLS connections only, before any `on_bytes`: the handshake ended. A failed one is
  /// followed by `on_closed("TLS Handshake Failure")`.
  virtual void on_tls(tls_outcome outcome) { (void)outcome; }
  /// A timer of connection_timers fired: ping every interval, auth once, write_check every
  /// interval for as long as bytes handed to `write` are not all written.
  virtual void on_timer(timer_kind kind) { (void)kind; }
};

class connection {
 public:
  virtual ~connection() = default;
  /// Starts delivering events to `handler`; reading begins with `initial_credits` credits,
  /// and `timers` run.
  virtual void start(std::shared_ptr<connection_handler> handler, int initial_credits,
                     connection_timers timers = {}) = 0;
  /// Replaces the timers' intervals (a config reload): the ping and write-check timers run
  /// on with the new ones; the auth timeout is not changed.
  virtual void set_timers(connection_timers timers) = 0;
  /// Queues `bytes` for writing, after everything queued before.
  virtual void write(std::vector<char> bytes) = 0;
  /// Writes the greeting of a plain connection (the client INFO) as it is accepted, before
  /// `start` and ahead of every `write`; its bytes are not reported by `on_flushed` (the
  /// owner never counted them as its own). TLS connections greet through `write`.
  virtual void greet(std::vector<char> bytes) = 0;
  /// Returns one read credit, allowing one more read buffer to be delivered. `spent` is a
  /// buffer from `on_bytes` that its owner is done with: the connection may read into it
  /// again (a recycled buffer is already mapped and needs no zero-fill), or drop it.
  virtual void resume_reading(std::vector<char> spent = {}) = 0;
  /// Closes the connection; with `flush`, queued writes are sent first.
  virtual void close(bool flush) = 0;
  virtual const endpoint& remote() const = 0;
  virtual const endpoint& local() const = 0;
  /// Whether the connection runs TLS (fixed when it was accepted or dialled).
  virtual bool secured() const { return false; }
};

using connection_ptr = std::shared_ptr<connection>;

/// Receives accepted connections of one listener.
class accept_handler {
 public:
  virtual ~accept_handler() = default;
  virtual void on_accept(connection_ptr conn) = 0;
};

class transport {
 public:
  virtual ~transport() = default;
  /// Binds and listens on host:port (port 0 picks a free one). On success returns true and
  /// stores the bound port; on failure (including certificates that do not load) stores a
  /// message.
  virtual bool listen(const std::string& host, int port, const tls_settings& tls,
                      std::shared_ptr<accept_handler> handler, int& bound_port,
                      std::string& error) = 0;
  /// Connects to host:port; `done` receives the connection, or null and an error message.
  virtual void dial(const std::string& host, int port, const tls_settings& tls,
                    std::function<void(connection_ptr, std::string)> done) = 0;
  /// Replaces the TLS settings of the listeners bound to the given ports for the connections
  /// they accept from now on (a config reload; accepted connections keep theirs). All or
  /// nothing: false, with a message and no listener changed, if a certificate does not load.
  virtual bool set_listener_tls(const std::vector<std::pair<int, tls_settings>>& by_port,
                                std::string& error) = 0;
  /// Stops every listener (connections stay open).
  virtual void stop_listening() = 0;
  /// Stops the listener bound to `port` only (lame duck mode closes the client port while
  /// routes keep theirs).
  virtual void stop_listening(int port) = 0;
  /// This host's addresses to advertise when listening on all interfaces (0.0.0.0), as
  /// nats-server lists them in `connect_urls`, ready to put before ":port": non-loopback IPv4
  /// first, then global IPv6 in brackets ("[fd00::2]"); loopback if there is none.
  virtual std::vector<std::string> interface_addresses() = 0;
};

}  // namespace gnatsd::net
