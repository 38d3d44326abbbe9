// Runs a scenario plan (sim/scenario_plan.hpp) on a simulated world: starts the servers,
// connects the clients, plays their operations and the faults in virtual time, checks the
// safety invariants after every read and delivery, then heals, lets the cluster converge
// and checks the liveness invariants with a calm round of publications
// (sim/invariant_checker.hpp lists them all).
//
// A plan fixes everything, including the world's seed, so a run replays step for step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario_plan.hpp"
#include "sim/sim_network.hpp"

namespace gnatsd::sim {

struct scenario_result {
  bool passed = true;
  std::string parameters;  // describe(plan)
  std::string failure;     // the first invariant that broke, when !passed
  std::vector<std::string> trace;
  uint64_t steps = 0;
  coverage_counters coverage;
};

scenario_result run_scenario(const scenario_plan& plan);

/// Coverage counters a campaign of `mode` must reach (it fails if one stays at zero).
std::vector<std::string> required_coverage(fault_mode mode, bool supercluster = false,
                                           bool leafnodes = false);

}  // namespace gnatsd::sim
