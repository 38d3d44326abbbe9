// TLS load generator on Debian's libnats (the raw-protocol load generator speaks plain TCP
// only): the same client against gnatsd and nats-server, so the ratio compares the servers'
// TLS paths. A benchmark that prints numbers, not a test.
//
//   gnatsd-tls-bench --url tls://127.0.0.1:4222 --ca ca.pem --scenario pubsub --msgs 200000
//                    --size 16
//   gnatsd-tls-bench --url tls://127.0.0.1:4222 --ca ca.pem --scenario handshakes --msgs 500
//
// pubsub: one publisher and one subscriber connection; every message must arrive (exact
// count) or the run fails. handshakes: what a client does to connect - TCP connect, read the
// plain INFO, TLS handshake, CONNECT, PING, wait for PONG - then close, one after the other,
// with OpenSSL directly (libnats adds tens of milliseconds of its own per connect).
#include <arpa/inet.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
  std::string url = "tls://127.0.0.1:4222";
  std::string ca;
  std::string scenario = "pubsub";
  long msgs = 200000;
  int size = 16;
};

bool parse(int argc, char** argv, settings& s) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--url") s.url = v;
    else if (k == "--ca") s.ca = v;
    else if (k == "--scenario") s.scenario = v;
    else if (k == "--msgs") s.msgs = std::atol(v);
    else if (k == "--size") s.size = std::atoi(v);
    else return false;
  }
  return !s.ca.empty() && s.msgs > 0 && s.size >= 0;
}

natsConnection* connect(const settings& s) {
  natsOptions* o = nullptr;
  natsOptions_Create(&o);
  natsOptions_SetURL(o, s.url.c_str());
  natsOptions_SetSecure(o, true);
  natsOptions_LoadCATrustedCertificates(o, s.ca.c_str());
  natsOptions_SetMaxReconnect(o, 0);
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, o);
  natsOptions_Destroy(o);
  if (st != NATS_OK) {
    std::fprintf(stderr, "connect: %s\n", natsStatus_GetText(st));
    std::exit(1);
  }
  return nc;
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

void on_message(natsConnection*, natsSubscription*, natsMsg* m, void* counter) {
  static_cast<std::atomic<long>*>(counter)->fetch_add(1, std::memory_order_relaxed);
  natsMsg_Destroy(m);
}

int run_pubsub(const settings& s) {
  natsConnection* sub_conn = connect(s);
  natsConnection* pub_conn = connect(s);
  std::atomic<long> received{0};
  natsSubscription* sub = nullptr;
  natsConnection_Subscribe(&sub, sub_conn, "bench.tls", on_message, &received);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  natsConnection_FlushTimeout(sub_conn, 10000);
  const std::string payload(static_cast<size_t>(s.size), 'x');
  const auto start = clock_type::now();
  for (long i = 0; i < s.msgs; ++i)
    natsConnection_Publish(pub_conn, "bench.tls", payload.data(), s.size);
  natsConnection_FlushTimeout(pub_conn, 60000);
  const double pub_secs = seconds_since(start);
  const auto deadline = clock_type::now() + std::chrono::seconds{120};
  while (received.load() < s.msgs && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds{200});
  const double secs = seconds_since(start);
  natsConnection_FlushTimeout(sub_conn, 5000);  // late duplicates would show now
  const long got = received.load();
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(pub_conn);
  natsConnection_Destroy(sub_conn);
  std::printf("pub: %ld msgs in %.3f s = %.0f msgs/s\n", s.msgs, pub_secs, s.msgs / pub_secs);
  std::printf("sub: %ld msgs in %.3f s = %.0f msgs/s\n", got, secs, got / secs);
  if (got != s.msgs) {
    std::fprintf(stderr, "received %ld of %ld messages\n", got, s.msgs);
    return 1;
  }
  return 0;
}

// "tls://127.0.0.1:4222" -> 4222
int port_of(const std::string& url) {
  return std::atoi(url.substr(url.rfind(':') + 1).c_str());
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "handshake: %s\n", what);
  std::exit(1);
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

void one_handshake(SSL_CTX* ctx, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect failed");
  read_until([fd](char* b, int n) { return static_cast<int>(::read(fd, b, n)); }, "\r\n");
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) die("TLS handshake failed");
  const char hello[] = "CONNECT {\"verbose\":false}\r\nPING\r\n";
  SSL_write(ssl, hello, sizeof hello - 1);
  read_until([ssl](char* b, int n) { return SSL_read(ssl, b, n); }, "PONG\r\n");
  SSL_shutdown(ssl);
  SSL_free(ssl);
  ::close(fd);
}

int run_handshakes(const settings& s) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (SSL_CTX_load_verify_locations(ctx, s.ca.c_str(), nullptr) != 1) die("cannot load the CA");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int port = port_of(s.url);
  const auto start = clock_type::now();
  for (long i = 0; i < s.msgs; ++i)
    one_handshake(ctx, port);
  SSL_CTX_free(ctx);
  const double secs = seconds_since(start);
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
  nats_Open(-1);
  const int rc = s.scenario == "handshakes" ? run_handshakes(s) : run_pubsub(s);
  nats_Close();
  return rc;
}
