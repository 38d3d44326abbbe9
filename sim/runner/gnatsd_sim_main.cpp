// gnatsd-sim: runs seeded cluster scenarios on the simulator (the production actors on the
// simulated network and virtual time) and checks the cluster invariants. Prints the chosen
// parameters per run and ends with PASSED, or with the one-line command that replays the
// failing seed with its trace.
//
//   gnatsd-sim --seed 42 --trace        one run, print its trace
//   gnatsd-sim --seeds 500              runs seeds 1..500 (or from --seed)
//   gnatsd-sim --seeds 0                unbounded campaign (soak)
//   --servers K (1-7; default: chosen by the seed)   --faults none|lite
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "sim/cluster_scenario.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gnatsd-sim: deterministic cluster simulation"};
  uint64_t seed = 1;
  uint64_t seeds = 1;
  int servers = 0;
  std::string faults = "lite";
  bool trace = false;
  app.add_option("--seed", seed, "first seed");
  app.add_option("--seeds", seeds, "number of runs from consecutive seeds; 0 runs forever");
  app.add_option("--servers", servers, "servers per cluster (1-7; 0: chosen by the seed)")
      ->check(CLI::Range(0, 7));
  app.add_option("--faults", faults, "none, lite (link resets) or full (resets, partitions)")
      ->check(CLI::IsMember({"none", "lite", "full"}));
  app.add_flag("--trace", trace, "print the trace of every run");
  CLI11_PARSE(app, argc, argv);

  std::printf("gnatsd-sim seed=%llu seeds=%llu servers=%d faults=%s\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seeds),
              servers, faults.c_str());
  for (uint64_t i = 0; seeds == 0 || i < seeds; ++i) {
    gnatsd::sim::scenario_options o;
    o.seed = seed + i;
    o.servers = servers;
    o.faults = faults == "none"   ? gnatsd::sim::fault_mode::none
               : faults == "lite" ? gnatsd::sim::fault_mode::lite
                                  : gnatsd::sim::fault_mode::full;
    const auto r = gnatsd::sim::run_cluster_scenario(o);
    std::printf("seed %llu: %s steps=%llu %s\n", static_cast<unsigned long long>(o.seed),
                r.parameters.c_str(), static_cast<unsigned long long>(r.steps),
                r.passed ? "ok" : "FAILED");
    if (trace || !r.passed)
      for (const auto& line : r.trace)
        std::cout << line << "\n";
    if (!r.passed) {
      std::printf("FAILED: %s\nreplay: gnatsd-sim --seed %llu --servers %d --faults %s --trace\n",
                  r.failure.c_str(), static_cast<unsigned long long>(o.seed), servers,
                  faults.c_str());
      return 1;
    }
  }
  std::printf("PASSED\n");
  return 0;
}
