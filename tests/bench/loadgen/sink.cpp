#include "sink.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "wire.hpp"

namespace loadgen {
namespace {

constexpr int stall_seconds = 10;

}  // namespace

sink::sink(std::vector<int> fds, long expected_total) : expected_(expected_total) {
  conns_.reserve(fds.size());
  for (int fd : fds)
    conns_.push_back(conn{fd, {}, {}});
  buf_.resize(256 * 1024);
}

sink::~sink() {
  if (thread_.joinable()) thread_.join();
}

void sink::start() {
  thread_ = std::thread{[this] {
    try {
      run();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }};
}

void sink::join() {
  thread_.join();
  if (!error_.empty()) throw std::runtime_error("subscriber: " + error_);
}

long sink::total() const {
  return received_;
}

bool sink::done() const {
  return pinged_ && pongs_seen_ == static_cast<int>(conns_.size());
}

void sink::run() {
  if (conns_.size() == 1)
    run_one();
  else
    run_many();
}

void sink::run_one() {
  conn& c = conns_[0];
  timeval tv{stall_seconds, 0};
  ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (expected_ == 0) send_pings();
  while (!done())
    if (!read_some(c)) throw std::runtime_error("stalled");
  tv = timeval{0, 0};
  ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void sink::run_many() {
  const int ep = ::epoll_create1(0);
  for (size_t i = 0; i < conns_.size(); ++i) {
    ::fcntl(conns_[i].fd, F_SETFL, ::fcntl(conns_[i].fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conns_[i].fd, &ev);
  }
  if (expected_ == 0) send_pings();
  std::vector<epoll_event> events(256);
  while (!done()) {
    const int n =
        ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), stall_seconds * 1000);
    if (n == 0) {
      ::close(ep);
      throw std::runtime_error("stalled");
    }
    for (int i = 0; i < n; ++i) {
      conn& c = conns_[events[static_cast<size_t>(i)].data.u64];
      while (read_some(c)) {
      }
    }
  }
  ::close(ep);
  for (auto& c : conns_)
    ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) & ~O_NONBLOCK);
}

bool sink::read_some(conn& c) {
  const ssize_t n = ::recv(c.fd, buf_.data(), buf_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
  if (n <= 0) throw std::runtime_error("subscriber connection closed");
  const long before = c.counts.msgs;
  const int pongs_before = c.counts.pongs;
  c.reader.feed(buf_.data(), static_cast<size_t>(n), c.counts);
  pongs_seen_ += c.counts.pongs - pongs_before;
  for (; c.counts.pings > 0; --c.counts.pings)
    send_all(c.fd, "PONG\r\n");
  after_read(c, before);
  return true;
}

void sink::after_read(conn& c, long before) {
  if (c.counts.msgs == before) return;
  received_ += c.counts.msgs - before;
  if (!pinged_ && received_ >= expected_) {
    last_ = clock_type::now();
    send_pings();
  }
}

void sink::send_pings() {
  pinged_ = true;
  for (auto& c : conns_)
    send_all(c.fd, "PING\r\n");
}

}  // namespace loadgen
