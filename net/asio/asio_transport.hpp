// The production transport: TCP on Boost.Asio, with one io_context (a reactor) per actor
// worker, run by that worker whenever it is idle (app/reactor_scheduler). Connections are
// spread over the reactors round-robin.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "net/http_server.hpp"
#include "net/transport.hpp"

namespace gnatsd::net {

class asio_transport final : public transport {
 public:
  /// `reactors`: one per actor worker.
  explicit asio_transport(unsigned reactors);
  ~asio_transport() override;

  bool listen(const std::string& host, int port, const tls_settings& tls,
              std::shared_ptr<accept_handler> handler, int& bound_port,
              std::string& error) override;
  void dial(const std::string& host, int port, const tls_settings& tls,
            std::function<void(connection_ptr, std::string)> done) override;
  bool set_listener_tls(const std::vector<std::pair<int, tls_settings>>& by_port,
                        std::string& error) override;
  void stop_listening() override;
  void stop_listening(int port) override;
  std::vector<std::string> interface_addresses() override;
  /// Every address of every interface that is up, loopback and link-local included, in
  /// interface order (IPv4 before IPv6 within one), as nats-server writes its ports file.
  std::vector<std::string> all_interface_addresses();

  /// Serves monitoring HTTP on host:port with `handler` (Boost.Beast); HTTPS when `tls` is
  /// enabled (its certificate and key; client certificates are not asked for).
  bool serve_http(const std::string& host, int port, const tls_settings& tls, http_handler handler,
                  int& bound_port, std::string& error);

  /// Stops the reactors, after up to two seconds for queued writes and closes.
  void stop();

  size_t reactors() const;
  /// For the worker that owns `reactor`, when it has nothing else to do: runs one ready
  /// handler, or waits up to `max_wait` for one. Returns whether a handler ran.
  bool run_one_for(size_t reactor, std::chrono::microseconds max_wait);
  /// Runs the ready handlers of `reactor`, looking for ready sockets without waiting.
  void poll(size_t reactor);
  /// Makes the worker waiting in (or on its way to) run_one_for of `reactor` return.
  void wake(size_t reactor);
  /// Whether `reactor` has stopped: run_one_for returns at once from then on.
  bool stopped(size_t reactor) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gnatsd::net
