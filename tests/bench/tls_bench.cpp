// TLS load generator: the raw client protocol over OpenSSL (the plain load generator speaks
// TCP only, and libnats over TLS tops out near 150 MB/s on this machine, below either
// server), so the same client measures gnatsd's and nats-server's TLS paths.
// A benchmark that prints numbers, not a test.
//
//   gnatsd-tls-bench --url tls://127.0.0.1:4222 --ca ca.pem --scenario pubsub --msgs 1000000
//                    --size 16
//   gnatsd-tls-bench --url tls://127.0.0.1:4222 --ca ca.pem --scenario handshakes --msgs 500
//
// pubsub: one publisher and one subscriber connection; the publisher writes PUB frames in
// 64 KiB TLS writes; the subscriber counts MSG frames exactly (a PING/PONG at the end catches
// late duplicates) and the run fails on any difference. handshakes: what a client does to
// connect - TCP connect, read the plain INFO, TLS handshake, CONNECT, PING, wait for PONG -
// then close, one after the other.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "loadgen/frame_reader.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
  std::string url = "tls://127.0.0.1:4222";
  std::string ca;
  std::string scenario = "pubsub";
  long msgs = 1000000;
  int size = 16;
};

bool parse(int argc, char** argv, settings& s) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--url")
      s.url = v;
    else if (k == "--ca")
      s.ca = v;
    else if (k == "--scenario")
      s.scenario = v;
    else if (k == "--msgs")
      s.msgs = std::atol(v);
    else if (k == "--size")
      s.size = std::atoi(v);
    else
      return false;
  }
  return !s.ca.empty() && s.msgs > 0 && s.size >= 0;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "tls-bench: %s\n", what);
  std::exit(1);
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// "tls://127.0.0.1:4222" -> 4222
int port_of(const std::string& url) {
  return std::atoi(url.substr(url.rfind(':') + 1).c_str());
}

// Reads from `read` (plain or TLS) until `end` has arrived.
template <class Read>
void read_until(Read read, const char* end) {
  std::string got;
  char buf[4096];
  while (got.find(end) == std::string::npos) {
    const int n = read(buf, static_cast<int>(sizeof buf));
    if (n <= 0) die("connection closed early");
    got.append(buf, static_cast<size_t>(n));
  }
}

void write_all(SSL* ssl, const std::string& bytes) {
  if (!bytes.empty() && SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) <= 0)
    die("TLS write failed");
}

struct tls_client {
  int fd = -1;
  SSL* ssl = nullptr;

  // Connects as a NATS client does: plain INFO, TLS handshake, CONNECT, PING/PONG.
  tls_client(SSL_CTX* ctx, int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect failed");
    read_until([this](char* b, int n) { return static_cast<int>(::read(fd, b, n)); }, "\r\n");
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) die("TLS handshake failed");
    write_all(ssl, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n");
    wait_pong();
  }
  ~tls_client() {
    SSL_shutdown(ssl);
    SSL_free(ssl);
    ::close(fd);
  }
  void wait_pong() {
    read_until([this](char* b, int n) { return SSL_read(ssl, b, n); }, "PONG\r\n");
  }
};

SSL_CTX* client_context(const settings& s) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (SSL_CTX_load_verify_locations(ctx, s.ca.c_str(), nullptr) != 1) die("cannot load the CA");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return ctx;
}

// Counts MSG frames until `expected` arrived (or the connection fails), then PING/PONG.
long receive(tls_client& sub, long expected, double& seconds, clock_type::time_point start) {
  loadgen::frame_reader reader;
  loadgen::frame_reader::counts counts;
  std::string buf(256 * 1024, '\0');
  while (counts.msgs < expected) {
    const int n = SSL_read(sub.ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) die("subscriber connection failed");
    reader.feed(buf.data(), static_cast<size_t>(n), counts);
  }
  seconds = seconds_since(start);
  write_all(sub.ssl, "PING\r\n");
  while (counts.pongs == 0) {
    const int n = SSL_read(sub.ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) die("subscriber connection failed");
    reader.feed(buf.data(), static_cast<size_t>(n), counts);
  }
  return counts.msgs;
}

int run_pubsub(const settings& s) {
  SSL_CTX* ctx = client_context(s);
  const int port = port_of(s.url);
  tls_client sub{ctx, port};
  write_all(sub.ssl, "SUB bench.tls 1\r\nPING\r\n");
  sub.wait_pong();
  tls_client pub{ctx, port};
  // One 64 KiB block of whole frames, written as many times as needed.
  const std::string frame =
      "PUB bench.tls " + std::to_string(s.size) + "\r\n" + std::string(s.size, 'x') + "\r\n";
  const long per_block = std::max<long>(1, static_cast<long>(65536 / frame.size()));
  std::string block;
  for (long i = 0; i < per_block; ++i)
    block += frame;
  double sub_secs = 0;
  long got = 0;
  const auto start = clock_type::now();
  std::thread reader{[&] { got = receive(sub, s.msgs, sub_secs, start); }};
  long sent = 0;
  for (; sent + per_block <= s.msgs; sent += per_block)
    write_all(pub.ssl, block);
  std::string rest;
  for (; sent < s.msgs; ++sent)
    rest += frame;
  write_all(pub.ssl, rest + "PING\r\n");
  pub.wait_pong();
  const double pub_secs = seconds_since(start);
  reader.join();
  SSL_CTX_free(ctx);
  std::printf("pub: %ld msgs in %.3f s = %.0f msgs/s\n", s.msgs, pub_secs, s.msgs / pub_secs);
  std::printf("sub: %ld msgs in %.3f s = %.0f msgs/s\n", got, sub_secs, got / sub_secs);
  if (got != s.msgs) {
    std::fprintf(stderr, "received %ld of %ld messages\n", got, s.msgs);
    return 1;
  }
  return 0;
}

int run_handshakes(const settings& s) {
  SSL_CTX* ctx = client_context(s);
  const int port = port_of(s.url);
  const auto start = clock_type::now();
  for (long i = 0; i < s.msgs; ++i)
    tls_client{ctx, port};
  const double secs = seconds_since(start);
  SSL_CTX_free(ctx);
  std::printf("handshakes: %ld conns in %.3f s = %.0f conns/s\n", s.msgs, secs, s.msgs / secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr,
                 "usage: gnatsd-tls-bench --url tls://host:port --ca ca.pem "
                 "[--scenario pubsub|handshakes] [--msgs N] [--size bytes]\n");
    return 2;
  }
  return s.scenario == "handshakes" ? run_handshakes(s) : run_pubsub(s);
}
