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

// Workers run the sessions' parsing and routing, the bulk of the work, and their Asio
// reactor whenever they are idle (app/reactor_scheduler): one per core.
thread_plan plan_threads(const server_options& o, unsigned cores) {
  thread_plan p;
  p.cores = std::max(1u, cores);
  p.workers = o.worker_threads > 0 ? static_cast<unsigned>(o.worker_threads) : p.cores;
  return p;
}

}  // namespace gnatsd
