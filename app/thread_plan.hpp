// How many threads the program runs, from the machine: CAF's actor workers, which also run
// Boost.Asio's reactor, follow the cores this process may run on (its CPU affinity, as Go's
// NumCPU reads it for nats-server), unless the options set them.
#pragma once

#include "config/options.hpp"

namespace gnatsd {

struct thread_plan {
  unsigned cores = 1;    // the CPUs in the process's affinity mask
  unsigned workers = 1;  // actor workers, each running a reactor: one per core
};

/// The cores this process may run on (at least 1).
unsigned usable_cores();

thread_plan plan_threads(const server_options& o, unsigned cores);

}  // namespace gnatsd
