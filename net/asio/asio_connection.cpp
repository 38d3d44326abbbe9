#include "net/asio/asio_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include "net/asio/peer_certificate.hpp"
#include "util/assert.hpp"
#include "util/buffer_pool.hpp"

namespace gnatsd::net::asio_impl {
namespace {

constexpr size_t read_size_min = 512;
// Larger than nats-server's 64 KiB: a read buffer costs a syscall and a hand-over to the
// connection's actor, so a busy publisher is read in fewer, bigger pieces (publish-only
// 128 B went from about 5.5 to 8.5 M msgs/s with 256 KiB). Buffers shrink again when reads
// get small, so idle connections keep small ones.
constexpr size_t read_size_max = 256 * 1024;
constexpr size_t write_gather_max = 64;
// OpenSSL writes one buffer per record, so small queued chunks are copied into one TLS write
// of up to this many bytes instead of going out as a record (and a syscall) each.
constexpr size_t tls_write_max = 64 * 1024;
// Gather further TLS records into a read buffer only while this much room is left.
constexpr size_t tls_read_min_space = 4096;
// At most this much waits unsent in the kernel (TCP_NOTSENT_LOWAT). Without it the kernel
// takes megabytes a slow peer cannot read and tells about free space only once a third of
// its buffer is free, so a peer that reads slowly looks like one that reads nothing to the
// write deadline; the bytes wait in the connection's own queue instead, where they count
// against max_pending.
constexpr int unsent_max = 128 * 1024;

// IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d; logs and INFO show a.b.c.d.
endpoint to_endpoint(const asio::ip::tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return endpoint{address.to_string(), ep.port()};
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// "TLSv1.3" -> "1.3", as nats-server logs the version.
std::string tls_version(SSL* ssl) {
  std::string v = SSL_get_version(ssl);
  return v.rfind("TLSv", 0) == 0 ? v.substr(4) : v;
}

thread_local const asio::execution_context* owned_reactor = nullptr;

}  // namespace

void asio_connection::own_reactor(const asio::execution_context* reactor) {
  owned_reactor = reactor;
}

// The reactor's thread may run the step at once: nothing else runs this connection's
// handlers. Any other thread posts it (and wakes that thread if it sleeps).
template <class Step>
void asio_connection::on_reactor(Step&& step) {
  if (owned_reactor == reactor_)
    step();
  else
    asio::post(socket_.get_executor(), std::forward<Step>(step));
}

asio_connection::asio_connection(asio::ip::tcp::socket socket, tls_plan tls)
    : asio_connection(std::move(socket), std::move(tls), asio::ip::tcp::endpoint{}) {
  tune_socket(socket_.native_handle());
  boost::system::error_code ec;
  const auto r = socket_.remote_endpoint(ec);
  if (!ec) remote_ = to_endpoint(r);
}

asio_connection::asio_connection(asio::ip::tcp::socket socket, tls_plan tls,
                                 const asio::ip::tcp::endpoint& peer)
    : socket_(std::move(socket)),
      tls_plan_(std::move(tls)),
      handshake_timer_(socket_.get_executor()),
      ping_timer_(socket_.get_executor()),
      auth_timer_(socket_.get_executor()),
      write_check_timer_(socket_.get_executor()),
      reactor_(&asio::query(socket_.get_executor(), asio::execution::context)) {
  if (tls_plan_.context) {
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls_plan_.context);
    phase_ =
        tls_plan_.when == tls_settings::mode::after_greeting ? phase::greeting : phase::handshaking;
  }
  if (peer.port() != 0) remote_ = to_endpoint(peer);
}

void asio_connection::tune_socket(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &unsent_max, sizeof unsent_max);
}

const endpoint& asio_connection::local() const {
  if (local_.port == 0) {
    boost::system::error_code ec;
    const auto l = socket_.local_endpoint(ec);
    if (!ec) local_ = to_endpoint(l);
  }
  return local_;
}

void asio_connection::start(std::shared_ptr<connection_handler> handler, int initial_credits,
                            connection_timers timers) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), handler = std::move(handler),
                                      initial_credits, timers]() mutable {
    self->handler_ = std::move(handler);
    self->credits_ = initial_credits;
    self->timers_ = timers;
    bool queued = false;
    {
      std::lock_guard<std::mutex> lock{self->write_mutex_};
      self->started_ = true;
      queued = !self->queue_.empty();
    }
    if (timers.first_ping.count() > 0) self->arm_ping(timers.first_ping);
    if (timers.auth_timeout.count() > 0) {
      self->auth_timer_.expires_after(timers.auth_timeout);
      self->auth_timer_.async_wait(
          [self](const boost::system::error_code& ec) { self->on_timer(timer_kind::auth, ec); });
    }
    if (queued) self->arm_write_check();
    if (self->phase_ == phase::handshaking) self->begin_handshake();
    self->do_read();
  });
}

void asio_connection::set_timers(connection_timers timers) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), timers] {
    if (self->closed_) return;
    const bool had_ping = self->timers_.ping_interval.count() > 0;
    self->timers_.ping_interval = timers.ping_interval;
    self->timers_.write_check = timers.write_check;
    if (had_ping && timers.ping_interval.count() > 0) self->arm_ping(timers.ping_interval);
  });
}

void asio_connection::arm_ping(std::chrono::nanoseconds after) {
  ping_timer_.expires_after(after);  // cancels a wait already armed
  ping_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->on_timer(timer_kind::ping, ec);
  });
}

// Ticks while written bytes wait: one timer per connection at most, and none while every
// write completes in time.
void asio_connection::arm_write_check() {
  if (write_check_armed_ || timers_.write_check.count() <= 0 || !handler_) return;
  write_check_armed_ = true;
  write_check_timer_.expires_after(timers_.write_check);
  write_check_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->write_check_armed_ = false;
    if (!ec && self->bytes_waiting()) {
      self->on_timer(timer_kind::write_check, ec);
      self->arm_write_check();
    }
  });
}

void asio_connection::on_timer(timer_kind kind, const boost::system::error_code& ec) {
  if (ec || closed_ || !handler_) return;  // cancelled, or the connection is gone
  handler_->on_timer(kind);
  if (kind == timer_kind::ping && timers_.ping_interval.count() > 0)
    arm_ping(timers_.ping_interval);
}

bool asio_connection::bytes_waiting() {
  std::lock_guard<std::mutex> lock{write_mutex_};
  return writing_ || !queue_.empty();
}

// The actor's thread writes an idle plain socket itself: the syscall nats-server's read loop
// makes when it flushes a subscriber in place. Only what the socket does not take at once
// goes through the reactor (a post and a wake-up when the caller is another worker).
void asio_connection::write(std::vector<char> bytes) {
  if (bytes.empty()) return;
  std::unique_lock<std::mutex> lock{write_mutex_};
  if (closed_) return;
  if (started_ && !tls_ && !writing_ && !write_posted_ && queue_.empty() && !close_after_flush_) {
    const ssize_t n =
        ::send(socket_.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) handler_->on_flushed(static_cast<size_t>(n));
    if (n == static_cast<ssize_t>(bytes.size())) {
      lock.unlock();
      buffer_pool::shared().give(std::move(bytes));
      return;
    }
    // The rest, or all of it when the socket is full or failed: the reactor's write waits
    // for room or finds the error.
    if (n > 0) write_front_offset_ = static_cast<size_t>(n);
  }
  queue_.push_back(std::move(bytes));
  if (writing_ || write_posted_) return;
  write_posted_ = true;
  lock.unlock();
  on_reactor([self = shared_from_this()] {
    {
      std::lock_guard<std::mutex> guard{self->write_mutex_};
      self->write_posted_ = false;
      if (self->closed_) return;
      if (!self->writing_) self->do_write();
    }
    self->arm_write_check();
  });
}

void asio_connection::greet(std::vector<char> bytes) {
  GNATSD_ASSERT(!tls_);
  if (bytes.empty()) return;
  asio::post(socket_.get_executor(), [self = shared_from_this(), b = std::move(bytes)]() mutable {
    std::lock_guard<std::mutex> lock{self->write_mutex_};
    if (self->closed_) return;
    self->unreported_ += b.size();
    self->queue_.push_front(std::move(b));
    if (!self->writing_) self->do_write();
  });
}

void asio_connection::resume_reading(std::vector<char> spent) {
  on_reactor([self = shared_from_this(), b = std::move(spent)]() mutable {
    ++self->credits_;
    // Keep the buffer for the next read unless it is far larger than reads have become.
    if (b.capacity() <= 2 * self->read_size_ && b.capacity() > self->spare_.capacity())
      self->spare_ = std::move(b);
    self->do_read();
  });
}

void asio_connection::close(bool flush) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), flush] {
    {
      std::lock_guard<std::mutex> lock{self->write_mutex_};
      if (self->closed_) return;
      if (flush && (self->writing_ || self->write_posted_ || !self->queue_.empty())) {
        self->close_after_flush_ = true;
        return;
      }
    }
    self->do_close("closed by server");
  });
}

void asio_connection::begin_handshake() {
  phase_ = phase::handshaking;
  if (tls_plan_.role == tls_role::client && !is_ip_address(remote_.host))
    SSL_set_tlsext_host_name(tls_->native_handle(), remote_.host.c_str());
  handshake_timer_.expires_after(tls_plan_.timeout);
  handshake_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && self->phase_ == phase::handshaking) self->fail_handshake("i/o timeout");
  });
  const auto type = tls_plan_.role == tls_role::server ? asio::ssl::stream_base::server
                                                       : asio::ssl::stream_base::client;
  tls_->async_handshake(type, [self = shared_from_this()](const boost::system::error_code& ec) {
    self->on_handshake(ec);
  });
}

void asio_connection::on_handshake(const boost::system::error_code& ec) {
  handshake_timer_.cancel();
  if (closed_) return;
  if (ec) {
    fail_handshake(describe_handshake_error(ec));
    return;
  }
  phase_ = phase::open;
  SSL* ssl = tls_->native_handle();
  if (handler_)
    handler_->on_tls(tls_outcome{{},
                                 tls_version(ssl),
                                 SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl)),
                                 peer_certificate_names(ssl)});
  do_read();
  std::lock_guard<std::mutex> lock{write_mutex_};
  if (!writing_) do_write();
}

void asio_connection::fail_handshake(const std::string& error) {
  if (closed_) return;
  if (handler_) handler_->on_tls(tls_outcome{error, {}, {}, {}});
  do_close("TLS Handshake Failure");
}

// One write_some at a time, not async_write: each partial write is reported (on_flushed) as
// soon as the socket takes it, so the owner's write deadline sees a slow peer's progress
// instead of nothing until a whole gathered write of many megabytes is done.
// OpenSSL writes record by record, so TLS keeps the composed async_write, over at most
// tls_write_max bytes at a time (do_write sees to that).
template <class Buffers, class Handler>
void asio_connection::async_write_bytes(const Buffers& buffers, Handler&& handler) {
  if (tls_ && phase_ == phase::open)
    asio::async_write(*tls_, buffers, std::forward<Handler>(handler));
  else
    socket_.async_write_some(buffers, std::forward<Handler>(handler));
}

void asio_connection::do_read() {
  if (closed_ || reading_ || credits_ <= 0 || !handler_ || phase_ != phase::open) return;
  reading_ = true;
  // A recycled buffer is already mapped and mostly sized: a fresh 64 KiB vector per read cost
  // a page fault per page and a full zero-fill (about 18% of a publish-only profile).
  if (read_buf_.capacity() == 0) read_buf_.swap(spare_);
  read_buf_.resize(read_size_);
  read_filled_ = 0;
  read_more();
}

void asio_connection::read_more() {
  auto done = [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
    self->on_read(ec, n);
  };
  auto space = asio::buffer(read_buf_.data() + read_filled_, read_buf_.size() - read_filled_);
  if (tls_)
    tls_->async_read_some(space, std::move(done));
  else
    socket_.async_read_some(space, std::move(done));
}

// OpenSSL hands out one record (at most 16 KiB) per read. Handing each to the actor on its
// own cost a thread wake-up per record (TLS 1:1 at 1 KiB ran at 0.6-0.8x nats-server's
// rate, the profile all futex and scheduling), so records that have already arrived are
// gathered into one buffer first.
bool asio_connection::more_tls_input_ready() {
  if (!tls_ || read_buf_.size() - read_filled_ < tls_read_min_space) return false;
  SSL* ssl = tls_->native_handle();
  boost::system::error_code ec;
  return SSL_has_pending(ssl) == 1 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0 ||
         socket_.available(ec) > 0;
}

void asio_connection::on_read(const boost::system::error_code& ec, size_t n) {
  if (closed_) {
    reading_ = false;
    return;
  }
  const bool drained = !tls_ && n < read_buf_.size() - read_filled_;
  read_filled_ += n;
  if (!ec && more_tls_input_ready()) {
    read_more();
    return;
  }
  reading_ = false;
  if (read_filled_ > 0) deliver_read();
  if (ec) {
    // A TLS peer that closes without close_notify ends the stream "truncated".
    const bool peer_closed = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    do_close(peer_closed ? "Client Closed" : "Read Error: " + ec.message());
    return;
  }
  // A plain read shorter than its room emptied the socket: the next one waits for the owner
  // to hand the credit back, after it has answered what it read. Issued now, it would try a
  // read that finds nothing (asio reads at once) before the owner even starts: a syscall on
  // every request's way. A full read means more is waiting: read ahead.
  if (!drained) do_read();
}

void asio_connection::deliver_read() {
  // Adapt the buffer like nats-server: grow when a read fills it, shrink when reads are small.
  const size_t used = read_filled_;
  const size_t size = read_size_;
  read_buf_.resize(used);
  if (used == size && read_size_ < read_size_max) read_size_ *= 2;
  if (used < size / 4 && read_size_ > read_size_min) read_size_ /= 2;
  --credits_;
  std::vector<char> data;
  data.swap(read_buf_);
  handler_->on_bytes(std::move(data));
}

void asio_connection::do_write() {
  if (closed_ || queue_.empty() || phase_ == phase::handshaking) return;
  writing_ = true;
  auto done = [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
    self->on_write(ec, n);
  };
  if (phase_ == phase::greeting) {
    // Only the greeting goes out in clear; the handshake starts once it is written.
    const auto& front = queue_.front();
    async_write_bytes(
        asio::buffer(front.data() + write_front_offset_, front.size() - write_front_offset_),
        std::move(done));
    return;
  }
  if (tls_ && queue_.size() > 1 && queue_.front().size() - write_front_offset_ < tls_write_max) {
    tls_staging_.clear();
    size_t i = 0;
    for (const auto& chunk : queue_) {
      const size_t skip = i++ == 0 ? write_front_offset_ : 0;
      if (tls_staging_.size() + chunk.size() - skip > tls_write_max && !tls_staging_.empty()) break;
      tls_staging_.insert(tls_staging_.end(), chunk.begin() + static_cast<ptrdiff_t>(skip),
                          chunk.end());
    }
    async_write_bytes(asio::buffer(tls_staging_), std::move(done));
    return;
  }
  if (tls_) {
    const auto& front = queue_.front();
    const size_t rest = std::min(front.size() - write_front_offset_, tls_write_max);
    async_write_bytes(asio::buffer(front.data() + write_front_offset_, rest), std::move(done));
    return;
  }
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(std::min(queue_.size(), write_gather_max));
  size_t i = 0;
  for (const auto& chunk : queue_) {
    if (i == write_gather_max) break;
    const size_t skip = i == 0 ? write_front_offset_ : 0;
    buffers.emplace_back(chunk.data() + skip, chunk.size() - skip);
    ++i;
  }
  async_write_bytes(buffers, std::move(done));
}

void asio_connection::on_write(const boost::system::error_code& ec, size_t n) {
  std::unique_lock<std::mutex> lock{write_mutex_};
  writing_ = false;
  if (closed_) return;
  if (ec) {
    lock.unlock();
    do_close("Write Error: " + ec.message());
    return;
  }
  size_t left = n;
  while (left > 0) {
    GNATSD_ASSERT(!queue_.empty());
    const size_t rest = queue_.front().size() - write_front_offset_;
    if (left < rest) {
      write_front_offset_ += left;
      break;
    }
    left -= rest;
    write_front_offset_ = 0;
    buffer_pool::shared().give(std::move(queue_.front()));
    queue_.pop_front();
  }
  const size_t greeting = std::min(n, unreported_);
  unreported_ -= greeting;
  if (handler_ && n > greeting) handler_->on_flushed(n - greeting);
  if (phase_ == phase::greeting && write_front_offset_ == 0) {
    if (!close_after_flush_) {
      begin_handshake();
    } else if (!queue_.empty()) {
      do_write();  // closing before the handshake (max connections): the -ERR goes in clear too
    } else {
      lock.unlock();
      do_close("closed by server");
    }
    return;
  }
  if (!queue_.empty()) {
    do_write();
  } else if (close_after_flush_) {
    lock.unlock();
    do_close("closed by server");
  }
}

void asio_connection::do_close(const std::string& reason) {
  // Under the write lock: an actor's direct write never meets a closed (or reused) socket.
  std::unique_lock<std::mutex> lock{write_mutex_};
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  handshake_timer_.cancel();
  ping_timer_.cancel();
  auth_timer_.cancel();
  write_check_timer_.cancel();
  // A peer that closed first needs no shutdown: the close alone ends it (a syscall less per
  // connection that a client ends).
  if (reason != "Client Closed") socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  queue_.clear();
  lock.unlock();
  if (handler_) {
    auto h = std::move(handler_);
    h->on_closed(reason);
  }
}

}  // namespace gnatsd::net::asio_impl
