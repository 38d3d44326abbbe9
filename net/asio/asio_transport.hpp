// The production transport: TCP on Boost.Asio, with one io_context run by a small pool of
// threads owned by this object.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "net/http_server.hpp"
#include "net/transport.hpp"

namespace gnatsd::net {

class asio_transport final : public transport {
 public:
  asio_transport();
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

  /// Runs the io_context on `threads` background threads.
  void run(int threads);
  /// Stops the io_context and joins its threads.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gnatsd::net
