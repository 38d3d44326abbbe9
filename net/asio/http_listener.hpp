// The monitoring HTTP server on Boost.Beast: HTTP/1.1 GET requests, keep-alive, one
// session per connection in Beast's do_x/on_x style, plain or over TLS (`https_port`).
// What a path returns is decided by the handler (the server actor); this class only speaks
// HTTP.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "net/http_server.hpp"

namespace gnatsd::net::asio_impl {

class http_listener : public std::enable_shared_from_this<http_listener> {
 public:
  /// With a `tls` context every connection must open with a TLS handshake (HTTPS).
  http_listener(boost::asio::io_context& io, http_handler handler,
                std::shared_ptr<boost::asio::ssl::context> tls);
  /// Binds and starts accepting; returns false with a message on failure.
  bool listen(const std::string& host, int port, int& bound_port, std::string& error);
  void stop();

 private:
  void do_accept();
  void start_session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  http_handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
};

}  // namespace gnatsd::net::asio_impl
