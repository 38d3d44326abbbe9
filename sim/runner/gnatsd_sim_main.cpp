// gnatsd-sim: runs seeded cluster scenarios on the simulator (the production actors on the
// simulated network and virtual time) and checks the cluster invariants after every step.
// Prints its parameters and one line per run, and ends with PASSED, or with the failure, the
// trace of the failing run and the one-line command that replays it.
//
//   gnatsd-sim --seed 42 --trace        one run, print its trace
//   gnatsd-sim --seeds 500              runs seeds 1..500 (or from --seed)
//   gnatsd-sim --seeds 0                unbounded campaign (soak)
//   gnatsd-sim --regressions FILE       runs the pinned seeds listed in FILE
//   --servers K (1-7; default: chosen by the seed)   --faults none|lite|full
//   --fault-seconds / --heal-seconds (virtual time)  --max-steps N (per run)
//   --superclusters (2-4 clusters of 1-5 servers (12 at most) joined by gateways)
//   --leafnodes (a hub cluster of 1-3 servers, 1-2 leaf clusters of 1-3 servers)
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/cluster_scenario.hpp"

namespace {

using gnatsd::sim::fault_mode;

struct campaign {
  gnatsd::sim::plan_options plan;
  std::string faults = "lite";
  bool trace = false;
  gnatsd::sim::coverage_counters coverage;
  uint64_t runs = 0;

  // Runs one seed; prints its line, and on failure its trace and the replay command.
  bool run(uint64_t seed) {
    auto o = plan;
    o.seed = seed;
    const auto r = gnatsd::sim::run_scenario(gnatsd::sim::generate_plan(o));
    ++runs;
    for (const auto& [name, n] : r.coverage)
      coverage[name] += n;
    std::printf("seed %llu: %s steps=%llu %s\n", static_cast<unsigned long long>(seed),
                r.parameters.c_str(), static_cast<unsigned long long>(r.steps),
                r.passed ? "ok" : "FAILED");
    if (trace || !r.passed)
      for (const auto& line : r.trace)
        std::cout << line << "\n";
    if (r.passed) return true;
    std::printf("FAILED: %s\nreplay: gnatsd-sim --seed %llu --servers %d --faults %s%s --trace\n",
                r.failure.c_str(), static_cast<unsigned long long>(seed), o.servers, faults.c_str(),
                options_suffix().c_str());
    return false;
  }

  std::string options_suffix() const {
    std::string s;
    if (plan.fault_phase_ns != 5'000'000'000)
      s += " --fault-seconds " + std::to_string(plan.fault_phase_ns / 1'000'000'000);
    if (plan.heal_phase_ns != 30'000'000'000)
      s += " --heal-seconds " + std::to_string(plan.heal_phase_ns / 1'000'000'000);
    if (plan.max_steps != 0) s += " --max-steps " + std::to_string(plan.max_steps);
    if (plan.supercluster) s += " --superclusters";
    if (plan.leafnodes) s += " --leafnodes";
    return s;
  }

  // A campaign long enough to matter must have reached every interesting situation.
  bool coverage_reached() const {
    std::printf("coverage:");
    for (const auto& [name, n] : coverage)
      std::printf(" [%s: %llu]", name.c_str(), static_cast<unsigned long long>(n));
    std::printf("\n");
    if (runs < 50) return true;
    bool ok = true;
    for (const auto& name :
         gnatsd::sim::required_coverage(plan.faults, plan.supercluster, plan.leafnodes))
      if (coverage.count(name) == 0 || coverage.at(name) == 0) {
        std::printf("FAILED: coverage: no run reached '%s'\n", name.c_str());
        ok = false;
      }
    return ok;
  }
};

// Pinned regression seeds: one per line, "<seed> <faults> <servers> [fault-s] [heal-s]",
// '#' comments.
bool run_regressions(const std::string& file, campaign& c) {
  std::ifstream in{file};
  if (!in) {
    std::printf("FAILED: cannot read %s\n", file.c_str());
    return false;
  }
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields{line};
    uint64_t seed = 0;
    std::string faults;
    int servers = 0;
    int64_t fault_seconds = 0, heal_seconds = 0;
    if (!(fields >> seed >> faults >> servers)) {
      std::printf("FAILED: bad line in %s: %s\n", file.c_str(), line.c_str());
      return false;
    }
    if (!(fields >> fault_seconds)) fault_seconds = 5;
    if (!(fields >> heal_seconds)) heal_seconds = 30;
    c.plan.fault_phase_ns = fault_seconds * 1'000'000'000;
    c.plan.heal_phase_ns = heal_seconds * 1'000'000'000;
    c.faults = faults;
    c.plan.faults = faults == "none"   ? fault_mode::none
                    : faults == "full" ? fault_mode::full
                                       : fault_mode::lite;
    c.plan.servers = servers;
    if (!c.run(seed)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gnatsd-sim: deterministic cluster simulation"};
  campaign c;
  uint64_t seed = 1;
  uint64_t seeds = 1;
  int64_t fault_seconds = 5, heal_seconds = 30;
  std::string regressions;
  app.add_option("--seed", seed, "first seed");
  app.add_option("--seeds", seeds, "number of runs from consecutive seeds; 0 runs forever");
  app.add_option("--servers", c.plan.servers, "servers per cluster (1-7; 0: chosen by the seed)")
      ->check(CLI::Range(0, 7));
  app.add_option("--faults", c.faults,
                 "none, lite (resets, slow dials) or full (also partitions, cut links, crashes)")
      ->check(CLI::IsMember({"none", "lite", "full"}));
  app.add_option("--fault-seconds", fault_seconds, "virtual seconds of workload and faults")
      ->check(CLI::Range(1, 3600));
  app.add_option("--heal-seconds", heal_seconds, "virtual seconds to converge after the faults")
      ->check(CLI::Range(1, 3600));
  app.add_option("--max-steps", c.plan.max_steps, "step budget per run (0: none)");
  app.add_option("--regressions", regressions, "run the pinned seeds listed in this file");
  app.add_flag("--trace", c.trace, "print the trace of every run");
  app.add_flag(
      "--superclusters", c.plan.supercluster,
      "2-4 clusters of 1-5 servers (12 at most) joined by gateways (--servers is ignored)");
  app.add_flag("--leafnodes", c.plan.leafnodes,
               "a hub cluster of 1-3 servers and 1-2 leaf clusters of 1-3 servers whose servers "
               "dial it as leafnodes (--servers is ignored)");
  CLI11_PARSE(app, argc, argv);
  c.plan.faults = c.faults == "none"   ? fault_mode::none
                  : c.faults == "lite" ? fault_mode::lite
                                       : fault_mode::full;
  c.plan.fault_phase_ns = fault_seconds * 1'000'000'000;
  c.plan.heal_phase_ns = heal_seconds * 1'000'000'000;

  if (!regressions.empty()) {
    std::printf("gnatsd-sim regressions=%s\n", regressions.c_str());
    if (!run_regressions(regressions, c)) return 1;
    std::printf("PASSED\n");
    return 0;
  }
  std::printf(
      "gnatsd-sim seed=%llu seeds=%llu servers=%d faults=%s fault-seconds=%lld "
      "heal-seconds=%lld max-steps=%llu%s\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seeds), c.plan.servers,
      c.faults.c_str(), static_cast<long long>(fault_seconds), static_cast<long long>(heal_seconds),
      static_cast<unsigned long long>(c.plan.max_steps),
      c.plan.supercluster ? " superclusters"
      : c.plan.leafnodes  ? " leafnodes"
                          : "");
  for (uint64_t i = 0; seeds == 0 || i < seeds; ++i)
    if (!c.run(seed + i)) return 1;
  if (!c.coverage_reached()) return 1;
  std::printf("PASSED\n");
  return 0;
}
