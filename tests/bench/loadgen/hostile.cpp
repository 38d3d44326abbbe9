// The load generator's hostile-peer scenarios (cluster safety): a route peer that stops
// reading, a subscriber that stops reading beside healthy ones, and connection churn. Each
// runs for a fixed time or count and prints what it saw; a benchmark, not a test.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "frame_reader.hpp"
#include "scenarios.hpp"
#include "wire.hpp"

namespace loadgen {
namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// A socket that reads at most this much before the kernel stops the sender: a peer that
// "stops reading" then really holds back the server within a few KiB.
int dial_small_window(const std::string& url) {
  const int fd = dial(url);
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  return fd;
}

// The value of a JSON string field in `text` (enough for a server's INFO line).
std::string json_string(const std::string& text, const std::string& key) {
  const auto at = text.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 4;
  return text.substr(start, text.find('"', start) - start);
}

// An HTTP GET on 127.0.0.1:port; the body, or "" without a port.
std::string http_body(int port, const std::string& path) {
  if (port <= 0) return {};
  const int fd = dial("127.0.0.1:" + std::to_string(port));
  send_all(fd, "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n");
  std::string r;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    r.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const auto body = r.find("\r\n\r\n");
  return body == std::string::npos ? std::string{} : r.substr(body + 4);
}

long json_number(const std::string& text, const std::string& key) {
  const auto at = text.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  size_t i = at + key.size() + 3;
  while (i < text.size() && text[i] == ' ')
    ++i;
  return std::atol(text.c_str() + i);
}

// Writes `frame` over and over on `fd` until `stop`, counting whole frames sent; a stalled
// server blocks the writes, which is the point.
void publish_until(int fd, const std::string& frame, std::atomic<bool>& stop,
                   std::atomic<long>& sent) {
  std::string batch;
  const size_t per = std::max<size_t>(1, 65536 / frame.size());
  for (size_t i = 0; i < per; ++i)
    batch += frame;
  while (!stop.load()) {
    const char* p = batch.data();
    size_t n = batch.size();
    while (n > 0 && !stop.load()) {
      const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
      if (w <= 0) return;  // shut down by the main thread, or closed
      p += w;
      n -= static_cast<size_t>(w);
    }
    if (n == 0) sent += static_cast<long>(per);
  }
}

}  // namespace

void run_stuck_route(const config& cfg) {
  if (cfg.route_url.empty()) throw std::runtime_error("stuck-route needs --route-url");
  // The peer: completes the handshake as a server would, asks for every subject, then stops
  // reading for good (a SIGSTOPped server, a saturated link).
  const std::string id = "NSTUCKPEER" + std::string(46, 'A');
  const int fd = dial_small_window(cfg.route_url);
  char buf[8192];
  const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
  if (got <= 0) throw std::runtime_error("no INFO from the route port");
  const std::string server_info(buf, static_cast<size_t>(got));
  const std::string cluster = json_string(server_info, "cluster");
  std::string creds;
  if (!cfg.route_user.empty())
    creds = "\"user\":\"" + cfg.route_user + "\",\"pass\":\"" + cfg.route_pass + "\",";
  send_all(fd, "CONNECT {\"echo\":true,\"verbose\":false,\"pedantic\":false," + creds +
                   "\"tls_required\":false,\"headers\":true,\"name\":\"" + id +
                   "\",\"cluster\":\"" + cluster + "\"}\r\n");
  send_all(fd, "INFO {\"server_id\":\"" + id +
                   "\",\"server_name\":\"stuck\",\"version\":\"2.9.10\",\"proto\":1,\"host\":"
                   "\"127.0.0.1\",\"port\":1,\"headers\":true,\"max_payload\":1048576,"
                   "\"cluster\":\"" +
                   cluster + "\"}\r\nRS+ $G >\r\nPING\r\n");
  read_until(fd, "PONG\r\n");

  const int pub = open_client(cfg.url);
  const std::string payload(cfg.size, 'x');
  const std::string frame = "PUB bench " + std::to_string(cfg.size) + "\r\n" + payload + "\r\n";
  std::atomic<bool> stop{false};
  std::atomic<long> sent{0};
  const long rss0 = resident_kib(cfg.server_pid);
  long rss_peak = rss0, pending_peak = 0, sent_while_stuck = 0;
  double closed_at = -1;
  const auto t0 = clock_type::now();
  std::thread writer{[&] { publish_until(pub, frame, stop, sent); }};
  while (since(t0) < cfg.seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    rss_peak = std::max(rss_peak, resident_kib(cfg.server_pid));
    const std::string routez = http_body(cfg.http_port, "/routez");
    pending_peak = std::max(pending_peak, json_number(routez, "pending_size"));
    // The server's close cannot reach a peer that does not read (its FIN waits behind the
    // unsent bytes), so the monitoring port tells.
    if (closed_at < 0 && json_number(routez, "num_routes") == 0) {
      closed_at = since(t0);
      sent_while_stuck = sent.load();
    }
  }
  const double secs = since(t0);
  stop = true;
  ::shutdown(pub, SHUT_RDWR);
  writer.join();
  ::close(pub);
  ::close(fd);
  const double stuck_secs = closed_at >= 0 ? closed_at : secs;
  if (closed_at < 0) sent_while_stuck = sent.load();
  std::printf("stuck route: publisher sent %ld msgs of %zu B in %.1f s (%.0f msgs/s)\n",
              sent.load(), cfg.size, secs, sent.load() / secs);
  std::printf("stuck route: while the route was stuck: %ld msgs in %.1f s (%.0f msgs/s)\n",
              sent_while_stuck, stuck_secs, sent_while_stuck / stuck_secs);
  std::printf("stuck route: server RSS %.1f MiB before, %.1f MiB peak\n", rss0 / 1024.0,
              rss_peak / 1024.0);
  std::printf("stuck route: route pending_size peak %ld bytes\n", pending_peak);
  if (closed_at >= 0)
    std::printf("stuck route: closed by the server after %.1f s\n", closed_at);
  else
    std::printf("stuck route: still open after %.1f s\n", secs);
}

void run_slow_consumer(const config& cfg) {
  // Healthy subscribers read everything; one subscribes and then never reads again.
  std::vector<int> healthy;
  for (int i = 0; i < cfg.subs; ++i) {
    healthy.push_back(open_client(cfg.url));
    send_all(healthy.back(), "SUB bench 1\r\nPING\r\n");
    read_until(healthy.back(), "PONG\r\n");
  }
  const int slow = dial_small_window(cfg.url);
  send_all(slow,
           "CONNECT {\"verbose\":false,\"echo\":false,\"name\":\"slow\"}\r\nSUB bench 1\r\n"
           "PING\r\n");
  read_until(slow, "PONG\r\n");
  const int pub = open_client(cfg.url);

  std::atomic<bool> stop{false};
  std::vector<std::atomic<long>> received(healthy.size());
  std::vector<std::thread> readers;
  for (size_t i = 0; i < healthy.size(); ++i)
    readers.emplace_back([&, i] {
      frame_reader reader;
      frame_reader::counts counts;
      std::vector<char> buf(256 * 1024);
      pollfd p{healthy[i], POLLIN, 0};
      while (!stop.load()) {
        if (::poll(&p, 1, 50) <= 0) continue;
        const ssize_t n = ::recv(healthy[i], buf.data(), buf.size(), 0);
        if (n <= 0) return;
        reader.feed(buf.data(), static_cast<size_t>(n), counts);
        received[i] = counts.msgs;
      }
    });

  // The publisher keeps a fixed rate, in steps of a millisecond; a stalled server holds its
  // writes back, and it catches up only as far as the server lets it.
  const std::string payload(cfg.size, 'x');
  const std::string frame = "PUB bench " + std::to_string(cfg.size) + "\r\n" + payload + "\r\n";
  long published = 0;
  double closed_at = -1, next_check = 0;
  const auto t0 = clock_type::now();
  while (since(t0) < cfg.seconds) {
    const long due = static_cast<long>(since(t0) * static_cast<double>(cfg.rate));
    std::string batch;
    for (; published < due; ++published)
      batch += frame;
    if (!batch.empty()) send_all(pub, batch);
    if (closed_at < 0 && cfg.http_port > 0 && since(t0) >= next_check) {
      // As for the stuck route, the monitoring port tells when the slow one was cut.
      next_check += 0.1;
      if (http_body(cfg.http_port, "/connz?state=closed").find("\"slow\"") != std::string::npos)
        closed_at = since(t0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  const double secs = since(t0);
  send_all(pub, "PING\r\n");
  read_until(pub, "PONG\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds{500});  // the last frames arrive
  stop = true;
  for (auto& t : readers)
    t.join();
  long least = published;
  for (auto& r : received)
    least = std::min(least, r.load());
  std::printf(
      "slow consumer: publisher sent %ld msgs of %zu B in %.1f s (%.0f msgs/s, asked %ld)\n",
      published, cfg.size, secs, published / secs, cfg.rate);
  std::printf("slow consumer: healthy subscribers got at least %ld msgs (%.0f msgs/s)\n", least,
              least / secs);
  if (closed_at >= 0)
    std::printf("slow consumer: closed by the server after %.1f s\n", closed_at);
  else
    std::printf("slow consumer: still open after %.1f s\n", secs);
  for (int fd : healthy)
    ::close(fd);
  ::close(slow);
  ::close(pub);
}

void run_churn(const config& cfg) {
  constexpr std::string_view hello = "CONNECT {\"verbose\":false}\r\nPING\r\n";
  // As a real client: the server's INFO first (clients decide on TLS and credentials from
  // it), then CONNECT and PING, the PONG, and the close.
  auto cycle = [&] {
    const int fd = dial(cfg.url);
    read_until(fd, "\r\n");
    send_all(fd, hello);
    read_until(fd, "PONG\r\n");
    ::close(fd);
  };
  // A warm-up round, so that the first-use growth of both servers is not counted as churn.
  for (int i = 0; i < 200; ++i)
    cycle();
  const long rss0 = resident_kib(cfg.server_pid);
  // --subs clients cycle at once (1: one connection at a time, which measures latency).
  const int parallel = std::max(1, cfg.subs);
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  std::string error;
  for (int t = 0; t < parallel; ++t)
    threads.emplace_back([&, t] {
      try {
        for (long i = t; i < cfg.msgs; i += parallel)
          cycle();
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
  for (auto& t : threads)
    t.join();
  if (!error.empty()) throw std::runtime_error(error);
  const double secs = since(t0);
  const long rss1 = resident_kib(cfg.server_pid);
  std::this_thread::sleep_for(std::chrono::seconds{2});
  const long rss2 = resident_kib(cfg.server_pid);
  std::printf("churn: %ld connections (%d at a time) in %.2f s = %.0f conns/s\n", cfg.msgs,
              parallel, secs, cfg.msgs / secs);
  std::printf("churn: server RSS %.1f MiB before, %.1f MiB right after, %.1f MiB 2 s later\n",
              rss0 / 1024.0, rss1 / 1024.0, rss2 / 1024.0);
}

}  // namespace loadgen
