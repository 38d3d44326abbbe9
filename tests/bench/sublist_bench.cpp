// gnatsd-sublist-bench: what a match costs in gnatsd's subject index with a million
// subscriptions, with and without the per-connection match cache in front of it. A benchmark
// that prints numbers (ns per operation, bytes per subscription), not a test; the loadgen's
// `subs` scenario measures the same shape end to end against both servers.
//
//   gnatsd-sublist-bench [--conns 1000] [--subs-per-conn 1000] [--lookups 2000000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "routing/message_router.hpp"
#include "server/server_context.hpp"

namespace {

using namespace gnatsd;
using clock_type = std::chrono::steady_clock;

class null_log final : public logger {
 public:
  void write(log_level, std::string_view) override {}
};

// Takes batches and drops them, like a destination that writes instantly.
class discarding_subscriber final : public subscriber {
 public:
  explicit discarding_subscriber(uint64_t id) : subscriber(id) {}
  void deliver(delivery_batch batch) override { bytes += batch.bytes.size(); }
  void subscription_expired(uint64_t) override {}
  uint64_t bytes = 0;
};

long resident_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

double ns_per(clock_type::time_point t0, long n) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count() /
         static_cast<double>(n);
}

std::string subject_of(uint64_t conn, uint64_t i) {
  return "idle." + std::to_string(conn) + "." + std::to_string(i);
}

}  // namespace

int main(int argc, char** argv) {
  long conns = 1000, per_conn = 1000, lookups = 2'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::atol(argv[i + 1]);
    if (k == "--conns") conns = v;
    if (k == "--subs-per-conn") per_conn = v;
    if (k == "--lookups") lookups = v;
  }
  auto ctx = std::make_shared<server_context>();
  ctx->log = std::make_shared<null_log>();
  std::vector<std::shared_ptr<discarding_subscriber>> owners;
  for (long c = 0; c < conns; ++c)
    owners.push_back(std::make_shared<discarding_subscriber>(static_cast<uint64_t>(c + 1)));

  const long rss0 = resident_kib();
  auto t0 = clock_type::now();
  uint64_t id = 0;
  for (long c = 0; c < conns; ++c) {
    for (long i = 0; i < per_conn; ++i) {
      auto s = std::make_shared<subscription>();
      s->subject = subject_of(static_cast<uint64_t>(c), static_cast<uint64_t>(i));
      s->sid = std::to_string(i + 1);
      s->owner = owners[static_cast<size_t>(c)];
      s->id = ++id;
      ctx->accounts.global()->subscriptions().insert(s);
    }
  }
  const long total = conns * per_conn;
  std::printf("insert: %ld subscriptions, %.0f ns each, %.0f bytes each (rss %ld -> %ld KiB)\n",
              total, ns_per(t0, total),
              static_cast<double>(resident_kib() - rss0) * 1024 / static_cast<double>(total), rss0,
              resident_kib());

  std::mt19937_64 rng{42};
  std::vector<std::string> spread;
  for (int i = 0; i < 100'000; ++i)
    spread.push_back(
        subject_of(rng() % static_cast<uint64_t>(conns), rng() % static_cast<uint64_t>(per_conn)));

  size_t found = 0;
  t0 = clock_type::now();
  for (long i = 0; i < lookups; ++i)
    found += ctx->accounts.global()
                 ->subscriptions()
                 .match(spread[static_cast<size_t>(i) % spread.size()])
                 ->plain.size();
  std::printf("sublist match, 100k distinct subjects: %.0f ns (%zu results)\n", ns_per(t0, lookups),
              found);
  t0 = clock_type::now();
  for (long i = 0; i < lookups; ++i)
    found += ctx->accounts.global()->subscriptions().match("other.subject.x")->plain.size();
  std::printf("sublist match, no interest: %.0f ns\n", ns_per(t0, lookups));

  // Through the publisher's router: cache, then delivery encoding into the batch.
  prng seed{7};
  message_router router{*ctx, seed};
  auto publisher = std::make_shared<discarding_subscriber>(0);
  message_origin origin;
  origin.self = publisher.get();
  std::vector<char> self_out;
  origin.self_out = &self_out;
  const std::string payload(16, 'x');
  auto route_all = [&](const char* label, auto subject_of_i) {
    const auto start = clock_type::now();
    for (long i = 0; i < lookups; ++i) {
      router.route({subject_of_i(i), "", false, 0, payload}, origin);
      if (i % 8192 == 8191) router.flush();  // one read buffer's worth of 16 B messages
    }
    router.flush();
    std::printf("route 16 B to one subscriber, %s: %.0f ns\n", label, ns_per(start, lookups));
  };
  route_all("one subject (cache hit)", [&](long) -> const std::string& { return spread[0]; });
  route_all("100k distinct subjects (cache misses)", [&](long i) -> const std::string& {
    return spread[static_cast<size_t>(i) % spread.size()];
  });
  return found == 0 ? 1 : 0;
}
