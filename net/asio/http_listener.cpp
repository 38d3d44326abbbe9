#include "net/asio/http_listener.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gnatsd::net::asio_impl {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(asio::ip::tcp::socket socket, http_handler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void run() { do_read(); }

 private:
  void do_read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds{30});
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return do_close();
    const bool keep_alive = request_.keep_alive();
    const unsigned version = request_.version();
    if (request_.method() != http::verb::get) {
      return write(http::status::method_not_allowed, "text/plain", "method not allowed\n",
                   keep_alive, version);
    }
    auto self = shared_from_this();
    handler_(std::string{request_.target()},
             [self, keep_alive, version](int status, std::string type, std::string body) {
               // Called from the server actor's thread: continue on this session's strand.
               asio::post(self->stream_.get_executor(),
                          [self, status, type = std::move(type), body = std::move(body), keep_alive,
                           version]() mutable {
                            self->write(static_cast<http::status>(status), std::move(type),
                                        std::move(body), keep_alive, version);
                          });
             });
  }

  void write(http::status status, std::string type, std::string body, bool keep_alive,
             unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version);
    res->set(http::field::server, "gnatsd");
    res->set(http::field::content_type, type);
    res->keep_alive(keep_alive);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->do_close();
                        self->do_read();
                      });
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http_handler& handler_;
};

}  // namespace

http_listener::http_listener(asio::io_context& io, http_handler handler)
    : io_(io), acceptor_(io), handler_(std::move(handler)) {}

bool http_listener::listen(const std::string& host, int port, int& bound_port, std::string& error) {
  try {
    asio::ip::tcp::resolver resolver{io_};
    const auto ep =
        resolver
            .resolve(host, std::to_string(port < 0 ? 0 : port), asio::ip::tcp::resolver::passive)
            .begin()
            ->endpoint();
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    bound_port = acceptor_.local_endpoint().port();
    do_accept();
    return true;
  } catch (const boost::system::system_error& e) {
    error = e.code().message();
    return false;
  }
}

void http_listener::stop() {
  asio::post(io_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void http_listener::do_accept() {
  acceptor_.async_accept(
      asio::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, asio::ip::tcp::socket socket) {
        if (!self->acceptor_.is_open()) return;
        if (!ec) std::make_shared<http_session>(std::move(socket), self->handler_)->run();
        self->do_accept();
      });
}

}  // namespace gnatsd::net::asio_impl
