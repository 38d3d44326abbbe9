#include "net/asio/http_listener.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace gnatsd::net::asio_impl {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

constexpr auto idle_timeout = std::chrono::seconds{30};

// What Go's net/http answers when a plain HTTP request reaches an HTTPS port (nats-server's
// https monitor is Go's server).
constexpr std::string_view plain_on_https =
    "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

// One connection's request/response loop, over a plain or a TLS stream. Derived classes
// own the stream and know how to open and close it.
template <class Derived>
class http_session {
 public:
  explicit http_session(http_handler& handler) : handler_(handler) {}

 protected:
  beast::flat_buffer buffer_;

  Derived& derived() { return static_cast<Derived&>(*this); }

  void do_read() {
    request_ = {};
    beast::get_lowest_layer(derived().stream()).expires_after(idle_timeout);
    http::async_read(
        derived().stream(), buffer_, request_,
        [self = derived().shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return derived().do_close();
    const bool keep_alive = request_.keep_alive();
    const unsigned version = request_.version();
    if (request_.method() != http::verb::get) {
      return write(http::status::method_not_allowed, "text/plain", "method not allowed\n",
                   keep_alive, version);
    }
    auto self = derived().shared_from_this();
    handler_(std::string{request_.target()},
             [self, keep_alive, version](int status, std::string type, std::string body) {
               // Called from the server actor's thread: continue on this session's strand.
               asio::post(beast::get_lowest_layer(self->stream()).get_executor(),
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
    http::async_write(
        derived().stream(), *res,
        [self = derived().shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->do_close();
          self->do_read();
        });
  }

  http::request<http::string_body> request_;
  http_handler& handler_;
};

class plain_http_session : public http_session<plain_http_session>,
                           public std::enable_shared_from_this<plain_http_session> {
 public:
  plain_http_session(beast::tcp_stream stream, http_handler& handler)
      : http_session(handler), stream_(std::move(stream)) {}

  void run() { do_read(); }
  beast::tcp_stream& stream() { return stream_; }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }

 private:
  beast::tcp_stream stream_;
};

class tls_http_session : public http_session<tls_http_session>,
                         public std::enable_shared_from_this<tls_http_session> {
 public:
  tls_http_session(beast::tcp_stream stream, asio::ssl::context& context, http_handler& handler)
      : http_session(handler), stream_(std::move(stream), context) {}

  // Reads the first bytes in clear: a TLS client opens with a handshake record (0x16); any
  // other byte is a plain HTTP client, answered as Go answers it. The bytes read are handed
  // to the handshake.
  void run() {
    beast::get_lowest_layer(stream_).expires_after(idle_timeout);
    beast::get_lowest_layer(stream_).async_read_some(
        buffer_.prepare(1024), [self = shared_from_this()](beast::error_code ec, size_t n) {
          if (ec) return self->do_close();
          self->buffer_.commit(n);
          self->on_first_bytes();
        });
  }

  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }

  void do_close() {
    if (!handshaken_) return close_tcp();
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds{5});
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close_tcp(); });
  }

 private:
  void on_first_bytes() {
    const auto* first = static_cast<const unsigned char*>(buffer_.data().data());
    if (first[0] != 0x16) {
      auto& tcp = beast::get_lowest_layer(stream_);
      asio::async_write(
          tcp, asio::buffer(plain_on_https.data(), plain_on_https.size()),
          [self = shared_from_this()](beast::error_code, size_t) { self->close_tcp(); });
      return;
    }
    stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](beast::error_code ec, size_t used) {
                              if (ec) return self->close_tcp();
                              self->handshaken_ = true;
                              self->buffer_.consume(used);
                              self->do_read();
                            });
  }

  void close_tcp() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                       ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  bool handshaken_ = false;
};

}  // namespace

http_listener::http_listener(asio::io_context& io, http_handler handler,
                             std::shared_ptr<asio::ssl::context> tls)
    : io_(io), acceptor_(io), handler_(std::move(handler)), tls_(std::move(tls)) {}

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
        if (!ec) self->start_session(std::move(socket));
        self->do_accept();
      });
}

void http_listener::start_session(asio::ip::tcp::socket socket) {
  beast::tcp_stream stream{std::move(socket)};
  if (tls_)
    std::make_shared<tls_http_session>(std::move(stream), *tls_, handler_)->run();
  else
    std::make_shared<plain_http_session>(std::move(stream), handler_)->run();
}

}  // namespace gnatsd::net::asio_impl
