#include "sim/cluster_scenario.hpp"

#include <algorithm>
#include <set>

#include "sim/world.hpp"
#include "util/prng.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t millisecond = 1'000'000;

std::string host(int i) {
  return "10.0.0." + std::to_string(i + 1);
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

struct fault {
  int64_t at_ns;
  int host;                 // reset: the host whose links reset
  std::set<int> side;       // partition: one side of the cut (empty for a reset)
  int64_t duration_ns = 0;  // partition: how long until it heals
};

}  // namespace

scenario_result run_cluster_scenario(const scenario_options& options) {
  scenario_result result;
  prng topology_rng{options.seed ^ 0x7090109};
  prng fault_rng{options.seed ^ 0xfa017};
  const int n = options.servers > 0 ? options.servers : 1 + static_cast<int>(topology_rng.below(7));
  std::vector<std::vector<int>> routes(static_cast<size_t>(n));
  std::string params = "servers=" + std::to_string(n) + " routes=[";
  for (int i = 1; i < n; ++i) {
    const int seed = static_cast<int>(topology_rng.below(static_cast<uint64_t>(i)));
    routes[static_cast<size_t>(i)].push_back(seed);
    params += std::to_string(i) + "->" + std::to_string(seed) + " ";
  }
  const int extra = n > 1 ? static_cast<int>(topology_rng.below(4)) : 0;
  for (int e = 0; e < extra; ++e) {
    const int a = static_cast<int>(topology_rng.below(static_cast<uint64_t>(n)));
    const int b = static_cast<int>(topology_rng.below(static_cast<uint64_t>(n)));
    if (a == b) continue;
    routes[static_cast<size_t>(a)].push_back(b);
    params += std::to_string(a) + "->" + std::to_string(b) + " ";
  }
  params += "]";
  std::vector<fault> faults;
  if (options.faults != fault_mode::none && n > 1) {
    const int count_faults = 1 + static_cast<int>(fault_rng.below(3));
    for (int f = 0; f < count_faults; ++f) {
      fault ft{static_cast<int64_t>(fault_rng.below(static_cast<uint64_t>(options.fault_phase_ns))),
               static_cast<int>(fault_rng.below(static_cast<uint64_t>(n))),
               {},
               0};
      if (options.faults == fault_mode::full && fault_rng.below(2) == 0) {
        // Isolate one server, or split the cluster into two random halves.
        if (fault_rng.below(2) == 0) {
          ft.side.insert(ft.host);
        } else {
          for (int i = 0; i < n; ++i)
            if (fault_rng.below(2) == 0) ft.side.insert(i);
          if (ft.side.empty() || static_cast<int>(ft.side.size()) == n) ft.side = {ft.host};
        }
        // From a stall shorter than a keepalive to one long past ping_max unanswered PINGs.
        ft.duration_ns = (1 + static_cast<int64_t>(fault_rng.below(600))) * 1'000'000'000;
      }
      faults.push_back(ft);
    }
    std::sort(faults.begin(), faults.end(),
              [](const fault& a, const fault& b) { return a.at_ns < b.at_ns; });
    params += " faults=[";
    for (const auto& f : faults) {
      if (f.side.empty()) {
        params += "reset:" + host(f.host);
      } else {
        params += "partition:{";
        for (int h : f.side)
          params += host(h) + ",";
        params += "}/" + std::to_string(f.duration_ns / 1'000'000'000) + "s";
      }
      params += "@" + std::to_string(f.at_ns / millisecond) + "ms ";
    }
    params += "]";
  }
  result.parameters = params;

  world w{options.seed};
  std::vector<running_server*> servers;
  for (int i = 0; i < n; ++i) {
    w.run_for(static_cast<int64_t>(topology_rng.below(1500)) * millisecond);
    server_options o;
    o.port = 4222;
    o.cluster.port = 6222;
    o.debug = true;
    for (int r : routes[static_cast<size_t>(i)])
      o.cluster.routes.push_back("nats://" + host(r) + ":6222");
    servers.push_back(&w.start_server(host(i), o));
  }
  // Fault phase: links of a host reset at the chosen times.
  const int64_t phase_start = w.now_ns();
  for (const auto& f : faults) {
    const int64_t wait = phase_start + f.at_ns - w.now_ns();
    if (wait > 0) w.run_for(wait);
    if (f.side.empty()) {
      w.network().reset_connections(host(f.host));
      continue;
    }
    std::set<std::string> side;
    for (int h : f.side)
      side.insert(host(h));
    w.network().partition(std::move(side));
    w.run_for(f.duration_ns);
    w.network().heal();
  }
  // Heal phase: no new faults; the cluster must converge. It starts after the fault phase
  // or after the last fault, whichever is later (a long partition outlasts the phase).
  const int64_t faults_end = std::max(w.now_ns(), phase_start + options.fault_phase_ns);
  w.run_for(faults_end + options.heal_phase_ns - w.now_ns());

  auto fail = [&](std::string what) {
    result.passed = false;
    result.failure = std::move(what);
  };
  for (int a = 0; a < n && result.passed; ++a)
    for (int b = a + 1; b < n && result.passed; ++b) {
      const size_t links = w.network().open_connections_between(host(a), host(b));
      if (links != 1)
        fail("full mesh: " + std::to_string(links) + " routes between " + host(a) + " and " +
             host(b));
    }
  if (result.passed) {
    std::vector<std::shared_ptr<sim_client>> subs;
    for (auto* s : servers) {
      auto c = w.connect(*s);
      c->send("CONNECT {\"verbose\":false}\r\nSUB probe.> 1\r\n");
      subs.push_back(c);
    }
    w.run_for(1000 * millisecond);
    for (int i = 0; i < n; ++i) {
      auto pub = w.connect(*servers[static_cast<size_t>(i)]);
      pub->send("CONNECT {\"verbose\":false}\r\nPUB probe." + std::to_string(i) + " 1\r\nx\r\n");
    }
    w.run_for(1000 * millisecond);
    for (int s = 0; s < n && result.passed; ++s)
      for (int i = 0; i < n && result.passed; ++i) {
        const size_t got =
            count(subs[static_cast<size_t>(s)]->received(), "MSG probe." + std::to_string(i) + " ");
        if (got != 1)
          fail("delivery: subscriber on " + host(s) + " got " + std::to_string(got) +
               " copies of the message published on " + host(i));
      }
  }
  result.trace = w.trace();
  result.steps = w.steps();
  return result;
}

}  // namespace gnatsd::sim
