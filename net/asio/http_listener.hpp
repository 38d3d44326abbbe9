// The monitoring HTTP server on Boost.Beast: HTTP/1.1 GET requests, keep-alive, one
// session per connection in Beast's do_x/on_x style. What a path returns is decided by the
// handler (the server actor); this class only speaks HTTP.
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <string>

#include "net/http_server.hpp"

namespace gnatsd::net::asio_impl {

class http_listener : public std::enable_shared_from_this<http_listener> {
 public:
  http_listener(boost::asio::io_context& io, http_handler handler);
  /// Binds and starts accepting; returns false with a message on failure.
  bool listen(const std::string& host, int port, int& bound_port, std::string& error);
  void stop();

 private:
  void do_accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  http_handler handler_;
};

}  // namespace gnatsd::net::asio_impl
