// gnatsd-loadgen: a raw-protocol NATS load generator, so that gnatsd and nats-server are
// measured with exactly the same client. It speaks the client protocol directly over
// blocking sockets, one thread per connection, and checks message counts exactly.
//
// Scenarios:
//   pub     1 publisher, no subscriber: publish rate.
//   pubsub  1 publisher -> 1 subscriber on the same server (or --sub-url for another).
//
// The publisher bounds what it has in flight with pipelined PINGs (a PING every --window
// messages, at most 4 unanswered), the same for both servers.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct config {
  std::string url = "127.0.0.1:4222";
  std::string sub_url;
  std::string scenario = "pubsub";
  long msgs = 1'000'000;
  size_t size = 16;
  long window = 10'000;
};

int dial(const std::string& url) {
  const auto colon = url.rfind(':');
  std::string host = url.substr(0, colon);
  if (host.rfind("nats://", 0) == 0) host = host.substr(7);
  const std::string port = url.substr(colon + 1);
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0)
    throw std::runtime_error("resolve " + url);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0) throw std::runtime_error("connect " + url);
  freeaddrinfo(res);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) throw std::runtime_error("send failed");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void send_all(int fd, const std::string& s) {
  send_all(fd, s.data(), s.size());
}

// Reads until `needle` has been seen `times` times; returns the bytes after the last one.
std::string read_until(int fd, const std::string& needle, int times = 1) {
  std::string buf;
  char tmp[65536];
  int seen = 0;
  size_t scan = 0;
  while (seen < times) {
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) throw std::runtime_error("connection closed while waiting for " + needle);
    buf.append(tmp, static_cast<size_t>(n));
    for (size_t at; (at = buf.find(needle, scan)) != std::string::npos;) {
      ++seen;
      scan = at + needle.size();
      if (seen == times) break;
    }
  }
  return buf.substr(scan);
}

// Connects, consumes INFO, sends CONNECT and waits for the PONG of a PING.
int open_client(const std::string& url) {
  const int fd = dial(url);
  send_all(
      fd,
      "CONNECT "
      "{\"verbose\":false,\"pedantic\":false,\"echo\":false,\"name\":\"loadgen\"}\r\nPING\r\n");
  read_until(fd, "PONG\r\n");
  return fd;
}

// Publishes cfg.msgs messages; returns when the server has acknowledged the last PING.
void publish(int fd, const config& cfg) {
  const std::string payload(cfg.size, 'x');
  const std::string frame = "PUB bench " + std::to_string(cfg.size) + "\r\n" + payload + "\r\n";
  std::string batch;
  batch.reserve(64 * 1024 + frame.size());
  long outstanding = 0;
  long pongs = 0;
  char tmp[4096];
  auto collect_pongs = [&](bool block) {
    // Each PONG is exactly "PONG\r\n"; the publisher receives nothing else (echo is off).
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, block ? 0 : MSG_DONTWAIT);
    if (n > 0) {
      for (ssize_t i = 0; i < n; ++i)
        if (tmp[i] == '\n') ++pongs;
    } else if (n == 0) {
      throw std::runtime_error("publisher connection closed");
    }
  };
  for (long i = 0; i < cfg.msgs; ++i) {
    batch += frame;
    const bool window_end = (i + 1) % cfg.window == 0;
    if (window_end) {
      batch += "PING\r\n";
      ++outstanding;
    }
    if (batch.size() >= 64 * 1024 || window_end || i + 1 == cfg.msgs) {
      send_all(fd, batch);
      batch.clear();
    }
    while (outstanding - pongs > 4)
      collect_pongs(true);
  }
  send_all(fd, "PING\r\n");
  ++outstanding;
  while (pongs < outstanding)
    collect_pongs(true);
}

// Counts MSG frames of the known size; checks every frame header position.
void consume(int fd, const config& cfg, std::atomic<long>& received, clock_type::time_point& last) {
  const std::string head_prefix = "MSG bench ";
  std::vector<char> buf(256 * 1024);
  size_t have = 0;
  while (received.load(std::memory_order_relaxed) < cfg.msgs) {
    const ssize_t n = ::recv(fd, buf.data() + have, buf.size() - have, 0);
    if (n <= 0) throw std::runtime_error("subscriber connection closed");
    have += static_cast<size_t>(n);
    size_t at = 0;
    long count = 0;
    for (;;) {
      const void* nl = std::memchr(buf.data() + at, '\n', have - at);
      if (nl == nullptr) break;
      const size_t line_end = static_cast<const char*>(nl) - buf.data() + 1;
      if (std::memcmp(buf.data() + at, head_prefix.data(), head_prefix.size()) != 0) {
        // PING from the server: answer it; anything else is a protocol surprise.
        if (std::memcmp(buf.data() + at, "PING", 4) == 0) {
          send_all(fd, "PONG\r\n");
          at = line_end;
          continue;
        }
        throw std::runtime_error("unexpected line: " + std::string(buf.data() + at, line_end - at));
      }
      const size_t frame_end = line_end + cfg.size + 2;
      if (frame_end > have) break;
      at = frame_end;
      ++count;
    }
    std::memmove(buf.data(), buf.data() + at, have - at);
    have -= at;
    if (count > 0) {
      received.fetch_add(count, std::memory_order_relaxed);
      last = clock_type::now();
    }
  }
}

// Across a cluster, interest reaches the publisher's server asynchronously. Subscribe to a
// probe subject after `bench` (routes hear interest in order) and publish probes until one
// arrives; then `bench` is known there too. Leftover probes are drained before the run.
void wait_for_route_interest(int pub, int sub) {
  send_all(sub, "SUB probe 2\r\nPING\r\n");
  read_until(sub, "PONG\r\n");
  timeval tv{0, 50'000};
  ::setsockopt(sub, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char tmp[4096];
  bool arrived = false;
  for (int i = 0; i < 400 && !arrived; ++i) {
    send_all(pub, "PUB probe 0\r\n\r\n");
    const ssize_t n = ::recv(sub, tmp, sizeof tmp, 0);
    arrived =
        n > 0 && std::string(tmp, static_cast<size_t>(n)).find("MSG probe") != std::string::npos;
  }
  tv = timeval{0, 0};
  ::setsockopt(sub, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (!arrived) throw std::runtime_error("interest never reached the publisher's server");
  send_all(sub, "UNSUB 2\r\nPING\r\n");
  read_until(sub, "PONG\r\n");
}

void report(const char* what, long msgs, size_t size, double secs) {
  std::printf("%s: %ld msgs in %.3f s = %.0f msgs/s (%.1f MB/s payload)\n", what, msgs, secs,
              msgs / secs, msgs * static_cast<double>(size) / secs / 1e6);
}

config parse(int argc, char** argv) {
  config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--url")
      c.url = v;
    else if (k == "--sub-url")
      c.sub_url = v;
    else if (k == "--scenario")
      c.scenario = v;
    else if (k == "--msgs")
      c.msgs = std::atol(v.c_str());
    else if (k == "--size")
      c.size = static_cast<size_t>(std::atol(v.c_str()));
    else if (k == "--window")
      c.window = std::atol(v.c_str());
    else
      throw std::runtime_error("unknown option " + k);
  }
  if (c.sub_url.empty()) c.sub_url = c.url;
  return c;
}

}  // namespace

int main(int argc, char** argv) try {
  const config cfg = parse(argc, argv);
  if (cfg.scenario == "pub") {
    const int pub = open_client(cfg.url);
    const auto t0 = clock_type::now();
    publish(pub, cfg);
    report("pub", cfg.msgs, cfg.size,
           std::chrono::duration<double>(clock_type::now() - t0).count());
    ::close(pub);
    return 0;
  }
  if (cfg.scenario != "pubsub") throw std::runtime_error("unknown scenario " + cfg.scenario);
  const int sub = open_client(cfg.sub_url);
  send_all(sub, "SUB bench 1\r\nPING\r\n");
  read_until(sub, "PONG\r\n");
  const int pub = open_client(cfg.url);
  if (cfg.sub_url != cfg.url) wait_for_route_interest(pub, sub);
  std::atomic<long> received{0};
  clock_type::time_point last{};
  const auto t0 = clock_type::now();
  std::thread consumer{[&] { consume(sub, cfg, received, last); }};
  publish(pub, cfg);
  const auto published = clock_type::now();
  consumer.join();
  report("pub", cfg.msgs, cfg.size, std::chrono::duration<double>(published - t0).count());
  report("sub", received.load(), cfg.size, std::chrono::duration<double>(last - t0).count());
  if (received.load() != cfg.msgs) {
    std::fprintf(stderr, "count mismatch: sent %ld received %ld\n", cfg.msgs, received.load());
    return 1;
  }
  ::close(pub);
  ::close(sub);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "loadgen: %s\n", e.what());
  return 2;
}
