// A seeded cluster scenario for the simulator program: a random topology (1-7 servers,
// every server seeded with one earlier server plus a few extra routes, random start times),
// optional faults, then checks: a full mesh with exactly one route per pair, and a message
// from every server reaching a subscriber on every server exactly once.
//
// Everything derives from one 64-bit seed through separate PRNG streams (topology, faults,
// and the world's own scheduler and network streams), so a seed replays exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gnatsd::sim {

/// none: no faults; lite: link resets; full: resets and partitions (isolate one server or
/// split the cluster in two), some longer than the route keepalive gives them.
enum class fault_mode { none, lite, full };

struct scenario_options {
  uint64_t seed = 1;
  int servers = 0;  // 0: chosen by the seed, 1-7
  fault_mode faults = fault_mode::none;
  int64_t fault_phase_ns = 5'000'000'000;
  int64_t heal_phase_ns = 10'000'000'000;
};

struct scenario_result {
  bool passed = true;
  std::string parameters;  // the chosen topology and faults, one line
  std::string failure;     // what broke, when !passed
  std::vector<std::string> trace;
  uint64_t steps = 0;
};

scenario_result run_cluster_scenario(const scenario_options& options);

}  // namespace gnatsd::sim
