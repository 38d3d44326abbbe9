#include "scenarios.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "publisher.hpp"
#include "sink.hpp"
#include "wire.hpp"

namespace loadgen {
namespace {

constexpr size_t spread_subjects = 100'000;

double seconds(clock_type::time_point from, clock_type::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

void report(const char* what, long msgs, size_t size, double secs) {
  std::printf("%s: %ld msgs in %.3f s = %.0f msgs/s (%.1f MB/s payload)\n", what, msgs, secs,
              msgs / secs, msgs * static_cast<double>(size) / secs / 1e6);
}

void subscribe(int fd, const std::string& subject, const std::string& queue, int sid) {
  send_all(fd, "SUB " + subject + (queue.empty() ? "" : " " + queue) + " " + std::to_string(sid) +
                   "\r\nPING\r\n");
  read_until(fd, "PONG\r\n");
}

void close_all(const std::vector<int>& fds) {
  for (int fd : fds)
    ::close(fd);
}

// Across a cluster, interest reaches the publisher's server asynchronously. Subscribe to a
// probe subject after `bench` (routes hear interest in order) and publish probes until one
// arrives; then `bench` is known there too. Leftover probes are drained before the run.
// "host:port" of a URL, without scheme and credentials.
std::string server_of(const std::string& url) {
  const auto at = url.find('@');
  std::string s = at == std::string::npos ? url : url.substr(at + 1);
  if (s.rfind("nats://", 0) == 0) s = s.substr(7);
  return s;
}

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

// Publishes `plan` on `pub` while `sinks` count; returns (publish end, last frame).
std::pair<clock_type::time_point, clock_type::time_point> timed_run(
    int pub, const publish_plan& plan, std::vector<std::unique_ptr<sink>>& sinks,
    clock_type::time_point& t0) {
  for (auto& s : sinks)
    s->start();
  t0 = clock_type::now();
  publish(pub, plan);
  const auto published = clock_type::now();
  clock_type::time_point last = t0;
  for (auto& s : sinks) {
    s->join();
    last = std::max(last, s->last_frame());
  }
  return {published, last};
}

// Publishes `plan` to subscriptions spread over `fds`; checks that exactly plan.msgs arrived.
void publish_to_many(int pub, const std::vector<int>& fds, const publish_plan& plan,
                     const char* label) {
  std::vector<std::unique_ptr<sink>> sinks;
  sinks.push_back(std::make_unique<sink>(fds, plan.msgs));
  clock_type::time_point t0;
  const auto [published, last] = timed_run(pub, plan, sinks, t0);
  (void)published;
  if (sinks[0]->total() != plan.msgs)
    throw std::runtime_error(std::string{label} + ": received " +
                             std::to_string(sinks[0]->total()) + " of " +
                             std::to_string(plan.msgs));
  report(label, plan.msgs, plan.size, seconds(t0, last));
}

double percentile(const std::vector<double>& sorted, double p) {
  const auto i = static_cast<size_t>(p * static_cast<double>(sorted.size()));
  return sorted[std::min(i, sorted.size() - 1)];
}

// Answers every request on `fd` with a same-sized reply to its reply subject.
void respond(int fd, size_t size, std::string& error) try {
  const std::string tail = " " + std::to_string(size) + "\r\n" + std::string(size, 'r') + "\r\n";
  frame_reader reader;
  reader.keep_reply = true;
  frame_reader::counts counts;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) return;  // the requester is done and shut us down
    const long before = counts.msgs;
    reader.feed(buf.data(), static_cast<size_t>(n), counts);
    for (long i = before; i < counts.msgs; ++i)
      send_all(fd, "PUB " + reader.last_reply() + tail);
  }
} catch (const std::exception& e) {
  error = e.what();
}

}  // namespace

void run_pub(const config& cfg) {
  const int pub = open_client(cfg.url);
  publish_plan plan{cfg.msgs, cfg.size, cfg.window, {cfg.subject}};
  if (cfg.subjects > 1) {
    plan.subjects.clear();
    for (long i = 0; i < cfg.subjects; ++i)
      plan.subjects.push_back(cfg.subject + "." + std::to_string(i));
  }
  const auto t0 = clock_type::now();
  publish(pub, plan);
  report("pub", cfg.msgs, cfg.size, seconds(t0, clock_type::now()));
  ::close(pub);
}

void run_pubsub(const config& cfg) {
  const std::vector<int> subs = open_clients(cfg.sub_url, cfg.subs);
  for (int fd : subs)
    subscribe(fd, cfg.subject, cfg.queue, 1);
  const int pub = open_client(cfg.url);
  if (server_of(cfg.sub_url) != server_of(cfg.url)) wait_for_route_interest(pub, subs[0]);
  // Plain subscribers each expect every message; a queue group expects each message once.
  std::vector<std::unique_ptr<sink>> sinks;
  if (cfg.queue.empty()) {
    for (int fd : subs)
      sinks.push_back(std::make_unique<sink>(std::vector<int>{fd}, cfg.msgs));
  } else {
    sinks.push_back(std::make_unique<sink>(subs, cfg.msgs));
  }
  clock_type::time_point t0;
  const auto [published, last] =
      timed_run(pub, publish_plan{cfg.msgs, cfg.size, cfg.window, {cfg.subject}}, sinks, t0);
  long total = 0;
  for (auto& s : sinks)
    total += s->total();
  report("pub", cfg.msgs, cfg.size, seconds(t0, published));
  report("sub", total, cfg.size, seconds(t0, last));
  if (!cfg.queue.empty()) {
    std::printf("queue members:");
    for (size_t i = 0; i < subs.size(); ++i)
      std::printf(" %ld", sinks[0]->count(i));
    std::printf("\n");
    if (total != cfg.msgs)
      throw std::runtime_error("queue group received " + std::to_string(total) + " of " +
                               std::to_string(cfg.msgs));
  }
  for (size_t i = 0; cfg.queue.empty() && i < sinks.size(); ++i)
    if (sinks[i]->total() != cfg.msgs)
      throw std::runtime_error("subscriber " + std::to_string(i) + " received " +
                               std::to_string(sinks[i]->total()) + " of " +
                               std::to_string(cfg.msgs));
  ::close(pub);
  close_all(subs);
}

void run_reqrep(const config& cfg) {
  // The responder on --sub-url (the same server by default; a service import's exporter).
  const int responder = open_client(cfg.sub_url);
  subscribe(responder, "bench.req", "", 1);
  const int requester = open_client(cfg.url);
  subscribe(requester, "bench.reply", "", 1);
  if (server_of(cfg.sub_url) != server_of(cfg.url)) {
    // Requests and replies cross servers (a route or a gateway): both interests first.
    wait_for_route_interest(requester, responder);
    wait_for_route_interest(responder, requester);
  }
  std::string responder_error;
  std::thread answering{[&] { respond(responder, cfg.size, responder_error); }};
  const std::string request = "PUB bench.req bench.reply " + std::to_string(cfg.size) + "\r\n" +
                              std::string(cfg.size, 'q') + "\r\n";
  const long warmup = std::min<long>(1000, cfg.msgs / 10);
  std::vector<double> micros;
  micros.reserve(static_cast<size_t>(cfg.msgs));
  frame_reader reader;
  frame_reader::counts counts;
  std::vector<char> buf(64 * 1024);
  const auto start = clock_type::now();
  for (long i = 0; i < warmup + cfg.msgs; ++i) {
    const auto t0 = clock_type::now();
    send_all(requester, request);
    while (counts.msgs <= i) {
      const ssize_t n = ::recv(requester, buf.data(), buf.size(), 0);
      if (n <= 0) throw std::runtime_error("requester connection closed");
      reader.feed(buf.data(), static_cast<size_t>(n), counts);
    }
    if (counts.msgs != i + 1) throw std::runtime_error("more replies than requests");
    if (i >= warmup) micros.push_back(seconds(t0, clock_type::now()) * 1e6);
  }
  const double secs = seconds(start, clock_type::now());
  ::shutdown(responder, SHUT_RDWR);
  answering.join();
  if (!responder_error.empty()) throw std::runtime_error("responder: " + responder_error);
  std::sort(micros.begin(), micros.end());
  std::printf("reqrep: %ld round trips in %.3f s = %.0f msgs/s\n", warmup + cfg.msgs, secs,
              static_cast<double>(warmup + cfg.msgs) / secs);
  std::printf("latency: p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f us\n", percentile(micros, 0.5),
              percentile(micros, 0.9), percentile(micros, 0.99), percentile(micros, 0.999));
  if (!cfg.latencies_file.empty()) {
    std::FILE* out = std::fopen(cfg.latencies_file.c_str(), "w");
    if (out == nullptr) throw std::runtime_error("cannot write " + cfg.latencies_file);
    for (const double us : micros)
      std::fprintf(out, "%.1f\n", us);
    std::fclose(out);
  }
  ::close(requester);
  ::close(responder);
}

void run_idle_conns(const config& cfg) {
  const long rss0 = resident_kib(cfg.server_pid);
  const auto t0 = clock_type::now();
  const std::vector<int> idle = open_clients(cfg.url, cfg.conns);
  const double secs = seconds(t0, clock_type::now());
  const long rss1 = resident_kib(cfg.server_pid);
  std::printf("conns: %d idle clients connected in %.3f s\n", cfg.conns, secs);
  std::printf("memory: %.0f bytes per connection (server rss %ld -> %ld KiB)\n",
              static_cast<double>(rss1 - rss0) * 1024 / cfg.conns, rss0, rss1);
  config one = cfg;
  one.subs = 1;
  one.queue.clear();
  run_pubsub(one);
  // Every idle client must still be there and answer.
  for (int fd : idle)
    send_all(fd, "PING\r\n");
  for (int fd : idle)
    read_until(fd, "PONG\r\n");
  std::printf("conns: all %d idle clients still answer\n", cfg.conns);
  close_all(idle);
}

void run_many_subs(const config& cfg) {
  const long rss0 = resident_kib(cfg.server_pid);
  const std::vector<int> fds = open_clients(cfg.url, cfg.conns);
  const long rss1 = resident_kib(cfg.server_pid);
  const auto t0 = clock_type::now();
  for (size_t c = 0; c < fds.size(); ++c) {
    std::string subs;
    for (int i = 0; i < cfg.subs_per_conn; ++i)
      subs += "SUB idle." + std::to_string(c) + "." + std::to_string(i) + " " +
              std::to_string(i + 1) + "\r\n";
    send_all(fds[c], subs + "PING\r\n");
  }
  for (int fd : fds)
    read_until(fd, "PONG\r\n");
  const double secs = seconds(t0, clock_type::now());
  const long rss2 = resident_kib(cfg.server_pid);
  const long total = static_cast<long>(cfg.conns) * cfg.subs_per_conn;
  std::printf("subs: %ld subscriptions on %d connections in %.3f s = %.0f subs/s\n", total,
              cfg.conns, secs, static_cast<double>(total) / secs);
  std::printf(
      "memory: %.0f bytes per connection, %.0f bytes per subscription (server rss %ld "
      "-> %ld -> %ld KiB)\n",
      static_cast<double>(rss1 - rss0) * 1024 / cfg.conns,
      static_cast<double>(rss2 - rss1) * 1024 / static_cast<double>(total), rss0, rss1, rss2);
  const int pub = open_client(cfg.url);
  publish_to_many(pub, fds, publish_plan{cfg.msgs, cfg.size, cfg.window, {"idle.0.0"}},
                  "one-subject");
  std::mt19937_64 rng{42};
  publish_plan spread{cfg.msgs, cfg.size, cfg.window, {}};
  spread.subjects.reserve(spread_subjects);
  for (size_t i = 0; i < spread_subjects; ++i)
    spread.subjects.push_back("idle." + std::to_string(rng() % fds.size()) + "." +
                              std::to_string(rng() % static_cast<uint64_t>(cfg.subs_per_conn)));
  publish_to_many(pub, fds, spread, "spread");
  ::close(pub);
  close_all(fds);
}

}  // namespace loadgen
