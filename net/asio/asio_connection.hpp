// A TCP connection on Boost.Asio, implementing net::connection, in clear or over TLS.
//
// Beast-style do_x/on_x steps on the connection's reactor (an io_context run by one worker
// thread alone): one async_read_some in flight while read credits remain, one gathered
// async_write in flight with everything queued behind it. Calls from actors (resume_reading,
// close) run at once on the reactor's own thread and are posted to it from any other;
// `write` sends at once on the caller's thread when a plain socket has nothing in flight,
// and queues for the reactor otherwise. The write state (queue and flags) is shared by both
// ways under `write_mutex_`; the read state belongs to the reactor's thread alone.
//
// With TLS the connection goes through phases: `greeting` (the first write, the client INFO,
// goes out in clear), `handshaking` (nothing is read or written but the handshake, bounded by
// the TLS timeout), then `open`, where reads and writes go through the OpenSSL stream.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <deque>
#include <mutex>

#include "net/asio/tls_context.hpp"
#include "net/transport.hpp"

namespace gnatsd::net::asio_impl {

namespace asio = boost::asio;

class asio_connection final : public connection,
                              public std::enable_shared_from_this<asio_connection> {
 public:
  /// A dialled connection (its socket options are set here).
  asio_connection(asio::ip::tcp::socket socket, tls_plan tls = {});
  /// An accepted connection: `peer` as accept returned it; the socket options come from the
  /// listening socket (accepted sockets inherit them: tune_socket), two syscalls less.
  asio_connection(asio::ip::tcp::socket socket, tls_plan tls, const asio::ip::tcp::endpoint& peer);

  /// TCP_NODELAY and TCP_NOTSENT_LOWAT, as every connection has them.
  static void tune_socket(int fd);
  /// Tells the calling thread that it alone runs `reactor` (an actor worker): calls it makes
  /// on that reactor's connections need no post.
  static void own_reactor(const asio::execution_context* reactor);

  void start(std::shared_ptr<connection_handler> handler, int initial_credits,
             connection_timers timers) override;
  void set_timers(connection_timers timers) override;
  void write(std::vector<char> bytes) override;
  void greet(std::vector<char> bytes) override;
  void resume_reading(std::vector<char> spent) override;
  void close(bool flush) override;
  const endpoint& remote() const override { return remote_; }
  const endpoint& local() const override;
  bool secured() const override { return tls_plan_.when != tls_settings::mode::none; }

 private:
  void do_read();
  void read_more();
  bool more_tls_input_ready();
  void on_read(const boost::system::error_code& ec, size_t n);
  void deliver_read();
  bool bytes_waiting();
  void do_write();  // with write_mutex_ held
  void on_write(const boost::system::error_code& ec, size_t n);
  void do_close(const std::string& reason);
  void begin_handshake();
  void on_handshake(const boost::system::error_code& ec);
  void fail_handshake(const std::string& error);
  template <class Buffers, class Handler>
  void async_write_bytes(const Buffers& buffers, Handler&& handler);
  void arm_ping(std::chrono::nanoseconds after);
  void arm_write_check();
  void on_timer(timer_kind kind, const boost::system::error_code& ec);
  template <class Step>
  void on_reactor(Step&& step);

  // The socket's executor is its reactor, which one thread runs: every handler and every
  // posted call for this connection runs serialized.
  asio::ip::tcp::socket socket_;
  std::shared_ptr<connection_handler> handler_;
  endpoint remote_;
  mutable endpoint local_;  // looked up when first asked for (a getsockname per connection)

  enum class phase { greeting, handshaking, open };
  tls_plan tls_plan_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;  // null: plain TCP
  phase phase_ = phase::open;
  asio::steady_timer handshake_timer_;
  std::vector<char> tls_staging_;  // small queued chunks copied into one TLS write

  std::vector<char> read_buf_;
  std::vector<char> spare_;  // a buffer handed back by resume_reading, read into next
  size_t read_size_ = 4096;
  size_t read_filled_ = 0;  // bytes of read_buf_ filled by the reads of this buffer
  int credits_ = 0;
  bool reading_ = false;

  connection_timers timers_;
  asio::steady_timer ping_timer_, auth_timer_, write_check_timer_;
  bool write_check_armed_ = false;

  // The write state: written under write_mutex_ (by the reactor or a direct write), read
  // under it from outside the reactor. `closed_` is also read by the reactor's read path.
  std::mutex write_mutex_;
  std::deque<std::vector<char>> queue_;
  size_t unreported_ = 0;          // greeting bytes still to write: not the owner's, not reported
  size_t write_front_offset_ = 0;  // bytes of queue_.front() already written
  bool started_ = false;           // `start` ran: the handler is there to hear of writes
  bool writing_ = false;           // an async write is in flight
  bool write_posted_ = false;      // queued bytes wait for the reactor to start writing
  bool close_after_flush_ = false;
  bool closed_ = false;

  const asio::execution_context* reactor_;  // the io_context whose one thread runs this
};

}  // namespace gnatsd::net::asio_impl
