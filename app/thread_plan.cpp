#include "app/thread_plan.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace gnatsd {

unsigned usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// Workers run the sessions' parsing and routing, the bulk of the work: one per core. The
// I/O threads move bytes between sockets and mailboxes (each socket on its own strand, so
// any of them may serve any connection): a quarter of the cores by default, a guess this
// 2-core machine cannot check (docs/PERFORMANCE.md, "Cores"); --io_threads sets it.
thread_plan plan_threads(const server_options& o, unsigned cores) {
  thread_plan p;
  p.cores = std::max(1u, cores);
  p.workers = o.worker_threads > 0 ? static_cast<unsigned>(o.worker_threads) : p.cores;
  p.io = o.io_threads > 0 ? static_cast<unsigned>(o.io_threads) : std::max(1u, p.cores / 4);
  return p;
}

}  // namespace gnatsd
