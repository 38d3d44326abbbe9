#include "sim/scenario_plan.hpp"

#include <algorithm>

#include "util/prng.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t millisecond = 1'000'000;
constexpr int64_t second = 1'000'000'000;

int pick(prng& rng, int n) {
  return static_cast<int>(rng.below(static_cast<uint64_t>(n)));
}

std::vector<fault_event> generate_faults(prng& rng, const plan_options& o, const scenario_plan& p) {
  std::vector<fault_event> faults;
  if (o.faults == fault_mode::none || p.servers < 2) return faults;
  const int count = 1 + pick(rng, o.faults == fault_mode::full ? 4 : 3);
  for (int i = 0; i < count; ++i) {
    fault_event f;
    f.at_ns = static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.fault_phase_ns)));
    const int host = pick(rng, p.servers);
    f.what = o.faults == fault_mode::full ? static_cast<fault_event::kind>(pick(rng, 4))
                                          : fault_event::kind::reset;
    // Partitions and cuts last from less than a keepalive to far past ping_max unanswered
    // PINGs; a crashed node stays down from a moment to longer than its peers' keepalive.
    f.duration_ns = (1 + static_cast<int64_t>(rng.below(8 * p.ping_interval_ns / second))) * second;
    switch (f.what) {
      case fault_event::kind::reset:
      case fault_event::kind::crash:
      case fault_event::kind::stuck_reader:
      case fault_event::kind::slow_reader:
        f.hosts = {host};
        break;
      case fault_event::kind::cut: {
        const int other = (host + 1 + pick(rng, p.servers - 1)) % p.servers;
        f.hosts = {host, other};
        break;
      }
      case fault_event::kind::partition:
        if (rng.below(2) == 0) {
          f.hosts = {host};  // isolate one server
        } else {
          for (int s = 0; s < p.servers; ++s)
            if (rng.below(2) == 0) f.hosts.push_back(s);  // split in two
          if (f.hosts.empty() || static_cast<int>(f.hosts.size()) == p.servers) f.hosts = {host};
        }
        break;
    }
    faults.push_back(f);
  }
  return faults;
}

std::vector<client_op> generate_ops(prng& rng, const scenario_plan& p) {
  std::vector<client_op> ops;
  const int count = 5 + pick(rng, 26);
  for (int i = 0; i < count; ++i) {
    client_op op;
    op.at_ns = static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.fault_phase_ns)));
    op.client = pick(rng, static_cast<int>(p.client_home.size()));
    const int roll = pick(rng, 100);
    if (roll < 40) {
      op.what = client_op::kind::subscribe;
      op.subject = pick(rng, static_cast<int>(sub_patterns().size()));
      op.queue = rng.below(3) == 0 ? pick(rng, static_cast<int>(queue_names().size())) : -1;
    } else if (roll < 55) {
      op.what = client_op::kind::unsubscribe;
      op.subject = pick(rng, 8);
    } else {
      op.what = client_op::kind::publish;
      op.subject = pick(rng, static_cast<int>(pub_subjects().size()));
      op.count = 1 + pick(rng, 5);
    }
    ops.push_back(op);
  }
  return ops;
}

// " clusters=[0,0,1,2] gateways=[2->0 3->1]" for a supercluster, nothing otherwise.
std::string describe_clusters(const scenario_plan& p) {
  if (p.cluster_of.empty()) return {};
  if (!p.leaf_remotes.empty()) {
    std::string s = " clusters=[";
    for (size_t i = 0; i < p.cluster_of.size(); ++i)
      s += (i ? "," : "") + std::to_string(p.cluster_of[i]);
    s += "] leafs=[";
    bool first = true;
    for (size_t i = 0; i < p.leaf_remotes.size(); ++i)
      for (int to : p.leaf_remotes[i]) {
        s += (first ? "" : " ") + std::to_string(i) + "->" + std::to_string(to);
        first = false;
      }
    return s + "]";
  }
  std::string s = " clusters=[";
  for (size_t i = 0; i < p.cluster_of.size(); ++i)
    s += (i ? "," : "") + std::to_string(p.cluster_of[i]);
  s += "] gateways=[";
  for (size_t i = 0; i < p.gateways.size(); ++i)
    for (int to : p.gateways[i])
      s += std::to_string(i) + "->" + std::to_string(to) + " ";
  return s + "]";
}

// The operations in full, for short plans (a shrunk counterexample, say).
std::string describe_ops(const scenario_plan& p) {
  std::string s = "[";
  for (const auto& op : p.ops) {
    s += "c" + std::to_string(op.client) + "@" +
         std::to_string(p.client_home[static_cast<size_t>(op.client)]) +
         account_names()[static_cast<size_t>(p.client_account[static_cast<size_t>(op.client)])] +
         ":";
    switch (op.what) {
      case client_op::kind::subscribe:
        s += "sub " + sub_patterns()[static_cast<size_t>(op.subject)];
        if (op.queue >= 0) s += " " + queue_names()[static_cast<size_t>(op.queue)];
        break;
      case client_op::kind::unsubscribe:
        s += "unsub #" + std::to_string(op.subject);
        break;
      case client_op::kind::publish:
        s += "pub " + pub_subjects()[static_cast<size_t>(op.subject)] + " x" +
             std::to_string(op.count);
        break;
      case client_op::kind::flood:
        s += "flood " + pub_subjects()[static_cast<size_t>(op.subject)] + " x" +
             std::to_string(op.count) + "*" + std::to_string(op.size) + "B";
        break;
      case client_op::kind::auto_unsubscribe:
        s += "unsub #" + std::to_string(op.subject) + " max+" + std::to_string(op.count);
        break;
      case client_op::kind::request:
        s += "req " + request_subjects()[static_cast<size_t>(op.subject)] + " x" +
             std::to_string(op.count);
        break;
      case client_op::kind::flush_sub:
        s += "flush-sub";
        break;
      case client_op::kind::flush_unsub:
        s += "flush-unsub";
        break;
    }
    if (op.header) s += " +hdr";
    s += "/" + std::to_string(op.at_ns / millisecond) + "ms ";
  }
  return s + "]";
}

}  // namespace

const std::vector<std::string>& pub_subjects() {
  static const std::vector<std::string> subjects{"w.a", "w.b", "w.c.d"};
  return subjects;
}

const std::vector<std::string>& sub_patterns() {
  static const std::vector<std::string> patterns{"w.a", "w.b", "w.c.d", "w.*", "w.>", "w.c.*"};
  return patterns;
}

const std::vector<std::string>& queue_names() {
  static const std::vector<std::string> names{"q1", "q2"};
  return names;
}

const std::vector<std::string>& account_names() {
  static const std::vector<std::string> names{"$G", "A", "B"};
  return names;
}

const std::vector<std::string>& account_users() {
  static const std::vector<std::string> users{"g", "a", "b"};
  return users;
}

const std::vector<std::string>& request_subjects() {
  static const std::vector<std::string> subjects{"svc.a", "svc.b"};
  return subjects;
}

std::string server_host(int i) {
  return "10.0.0." + std::to_string(i + 1);
}

int64_t outbound_bound(const scenario_plan& plan) {
  // A read buffer of the simulated network is at most 64 KiB; its frames for one route or
  // client take a little more (RMSG/MSG lines around each payload).
  constexpr int64_t one_read_of_frames = 128 * 1024;
  return plan.max_pending + one_read_of_frames;
}

namespace {

// Cluster safety draws (their own stream, so that older seeds keep their topology, workload
// and faults): route authorization with hostile peers, stuck and slow readers, floods.
void generate_safety(prng& rng, const plan_options& o, scenario_plan& p) {
  if (o.faults == fault_mode::none) return;
  p.route_auth = rng.below(2) == 0;
  p.hostile_peers = p.route_auth ? pick(rng, 3) : 0;
  if (p.client_home.empty()) return;
  for (int i = pick(rng, 3); i > 0; --i) {
    client_op op;
    op.what = client_op::kind::flood;
    op.at_ns = static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.fault_phase_ns)));
    op.client = pick(rng, static_cast<int>(p.client_home.size()));
    op.subject = pick(rng, static_cast<int>(pub_subjects().size()));
    op.count = 20 + pick(rng, 100);
    op.size = 1024 << pick(rng, 5);  // 1-16 KiB
    p.ops.push_back(op);
  }
  if (p.servers < 2) return;
  for (int i = pick(rng, 3); i > 0; --i) {
    fault_event f;
    f.what = rng.below(2) == 0 ? fault_event::kind::stuck_reader : fault_event::kind::slow_reader;
    f.at_ns = static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.fault_phase_ns)));
    // From a hiccup to several write deadlines.
    f.duration_ns = (1 + static_cast<int64_t>(rng.below(8))) * second;
    f.hosts = {pick(rng, p.servers)};
    p.faults.push_back(f);
  }
}

// The rest of the client protocol (its own stream, so that older seeds keep the rest): which
// clients take headers, echo their own messages or answer requests; headers on publications;
// auto-unsubscribe limits, requests and flush probes among the operations.
void generate_protocol(prng& rng, scenario_plan& p) {
  const size_t clients = p.client_home.size();
  for (size_t c = 0; c < clients; ++c) {
    p.client_headers.push_back(rng.below(4) != 0);
    p.client_echo.push_back(rng.below(4) != 0);
    p.responders.push_back(rng.below(3) == 0);
  }
  for (auto& op : p.ops)
    if (op.what == client_op::kind::publish) op.header = rng.below(3) == 0;
  if (clients == 0) return;
  for (int i = 3 + pick(rng, 8); i > 0; --i) {
    client_op op;
    op.at_ns = static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.fault_phase_ns)));
    op.client = pick(rng, static_cast<int>(clients));
    const int roll = pick(rng, 4);
    op.what = roll == 0   ? client_op::kind::auto_unsubscribe
              : roll == 1 ? client_op::kind::request
              : roll == 2 ? client_op::kind::flush_sub
                          : client_op::kind::flush_unsub;
    op.subject = pick(rng, 8);
    op.count = 1 + pick(rng, 3);
    p.ops.push_back(op);
  }
}

// 2-4 clusters of 1-5 servers (12 at most in all): routes within each cluster (a random
// tree plus extras), and gateway seeds that make the graph of clusters connected (each
// cluster after the first has one server configured with a server of an earlier cluster),
// plus maybe one more seed.
void generate_supercluster(prng& rng, scenario_plan& p) {
  const int clusters = 2 + pick(rng, 3);
  std::vector<std::vector<int>> members(static_cast<size_t>(clusters));
  for (int k = 0; k < clusters; ++k) {
    // At most 12 servers in all, one kept for each cluster still to come.
    const int room = 12 - static_cast<int>(p.cluster_of.size()) - (clusters - 1 - k);
    for (int n = std::min(1 + pick(rng, 5), room); n > 0; --n) {
      members[static_cast<size_t>(k)].push_back(static_cast<int>(p.cluster_of.size()));
      p.cluster_of.push_back(k);
    }
  }
  p.servers = static_cast<int>(p.cluster_of.size());
  p.routes.resize(static_cast<size_t>(p.servers));
  p.gateways.resize(static_cast<size_t>(p.servers));
  for (const auto& m : members) {
    for (size_t i = 1; i < m.size(); ++i)
      p.routes[static_cast<size_t>(m[i])].push_back(
          m[static_cast<size_t>(pick(rng, static_cast<int>(i)))]);
    if (m.size() > 2 && rng.below(2) == 0) p.routes[static_cast<size_t>(m[0])].push_back(m.back());
  }
  auto any_of = [&](int k) {
    const auto& m = members[static_cast<size_t>(k)];
    return m[static_cast<size_t>(pick(rng, static_cast<int>(m.size())))];
  };
  for (int k = 1; k < clusters; ++k)
    p.gateways[static_cast<size_t>(any_of(k))].push_back(any_of(pick(rng, k)));
  if (rng.below(2) == 0) {
    const int a = pick(rng, clusters), b = pick(rng, clusters);
    if (a != b) p.gateways[static_cast<size_t>(any_of(a))].push_back(any_of(b));
  }
}

// A hub cluster (0) of 1-3 servers and 1-2 leaf clusters of 1-3 servers: routes within each
// cluster, and each leaf server's one remote naming 1-2 hub servers.
void generate_leafnodes(prng& rng, scenario_plan& p) {
  const int clusters = 2 + pick(rng, 2);
  std::vector<std::vector<int>> members(static_cast<size_t>(clusters));
  for (int k = 0; k < clusters; ++k)
    for (int n = 1 + pick(rng, 3); n > 0; --n) {
      members[static_cast<size_t>(k)].push_back(static_cast<int>(p.cluster_of.size()));
      p.cluster_of.push_back(k);
    }
  p.servers = static_cast<int>(p.cluster_of.size());
  p.routes.resize(static_cast<size_t>(p.servers));
  p.leaf_remotes.resize(static_cast<size_t>(p.servers));
  for (const auto& m : members)
    for (size_t i = 1; i < m.size(); ++i)
      p.routes[static_cast<size_t>(m[i])].push_back(
          m[static_cast<size_t>(pick(rng, static_cast<int>(i)))]);
  const auto& hubs = members[0];
  for (int k = 1; k < clusters; ++k)
    for (int l : members[static_cast<size_t>(k)]) {
      auto& r = p.leaf_remotes[static_cast<size_t>(l)];
      r.push_back(hubs[static_cast<size_t>(pick(rng, static_cast<int>(hubs.size())))]);
      if (hubs.size() > 1 && rng.below(2) == 0) {
        const int other = hubs[static_cast<size_t>(pick(rng, static_cast<int>(hubs.size())))];
        if (other != r.front()) r.push_back(other);
      }
    }
}

}  // namespace

scenario_plan generate_plan(const plan_options& o) {
  // Separate streams: changing how faults are drawn does not change the topology.
  prng topology_rng{o.seed ^ 0x7090109};
  prng workload_rng{o.seed ^ 0x3041c10ad};
  prng fault_rng{o.seed ^ 0xfa017};
  prng safety_rng{o.seed ^ 0x5afe7};
  prng protocol_rng{o.seed ^ 0x9e0c01};
  scenario_plan p;
  p.world_seed = o.seed;
  p.fault_phase_ns = o.fault_phase_ns;
  p.heal_phase_ns = o.heal_phase_ns;
  p.max_steps = o.max_steps;
  if (o.supercluster) {
    prng super_rng{o.seed ^ 0x5c1a57e5};  // a stream of its own
    generate_supercluster(super_rng, p);
  } else if (o.leafnodes) {
    prng leaf_rng{o.seed ^ 0x1eaf};  // a stream of its own
    generate_leafnodes(leaf_rng, p);
  } else {
    p.servers = o.servers > 0 ? o.servers : 1 + pick(topology_rng, 7);
    p.routes.resize(static_cast<size_t>(p.servers));
    for (int i = 1; i < p.servers; ++i)
      p.routes[static_cast<size_t>(i)].push_back(pick(topology_rng, i));  // connected
    const int extra = p.servers > 1 ? pick(topology_rng, 4) : 0;
    for (int e = 0; e < extra; ++e) {
      const int a = pick(topology_rng, p.servers), b = pick(topology_rng, p.servers);
      if (a != b) p.routes[static_cast<size_t>(a)].push_back(b);
    }
  }
  for (int i = 0; i < p.servers; ++i)
    p.start_gaps_ns.push_back(static_cast<int64_t>(topology_rng.below(1500)) * millisecond);
  for (int s = 0; s < p.servers; ++s)
    for (int c = 1 + pick(workload_rng, 2); c > 0; --c)
      p.client_home.push_back(s);
  p.ops = generate_ops(workload_rng, p);
  p.faults = generate_faults(fault_rng, o, p);
  generate_safety(safety_rng, o, p);
  generate_protocol(protocol_rng, p);
  // Accounts from a stream of their own too: half the clients in $G, the rest in A or B.
  prng account_rng{o.seed ^ 0xacc0u};
  for (size_t c = 0; c < p.client_home.size(); ++c) {
    const int account = account_rng.below(2) == 0 ? 0 : 1 + pick(account_rng, 2);
    // Leafnodes bind the global account only (docs/SIMULATION.md): every client uses it.
    p.client_account.push_back(o.leafnodes ? 0 : account);
  }
  if (o.faults != fault_mode::none) p.slow_dial_percent = 10;
  normalize(p);
  return p;
}

void normalize(scenario_plan& p) {
  p.servers = std::clamp(p.servers, 1, p.cluster_of.empty() ? 7 : 12);
  const auto n = static_cast<size_t>(p.servers);
  p.routes.resize(n);
  if (!p.cluster_of.empty()) {
    p.cluster_of.resize(n, 0);
    for (auto& k : p.cluster_of)
      k = std::clamp(k, 0, 3);
  }
  auto same_cluster = [&](size_t a, size_t b) {
    return p.cluster_of.empty() || p.cluster_of[a] == p.cluster_of[b];
  };
  for (size_t i = 0; i < n; ++i) {
    auto& r = p.routes[i];
    for (auto& to : r)
      to = static_cast<int>(static_cast<size_t>(to) % n);
    r.erase(std::remove(r.begin(), r.end(), static_cast<int>(i)), r.end());
    // Routes join the servers of one cluster; gateways join clusters.
    r.erase(std::remove_if(r.begin(), r.end(),
                           [&](int to) { return !same_cluster(i, static_cast<size_t>(to)); }),
            r.end());
  }
  if (p.cluster_of.empty()) p.leaf_remotes.clear();
  if (!p.leaf_remotes.empty()) {
    p.leaf_remotes.resize(n);
    p.gateways.clear();
    for (size_t i = 0; i < n; ++i) {
      auto& r = p.leaf_remotes[i];
      for (auto& to : r)
        to = static_cast<int>(static_cast<size_t>(std::max(to, 0)) % n);
      // A hub server dials no hub; a leaf server dials hub servers only.
      r.erase(std::remove_if(r.begin(), r.end(),
                             [&](int to) {
                               return p.cluster_of[i] == 0 ||
                                      p.cluster_of[static_cast<size_t>(to)] != 0;
                             }),
              r.end());
    }
  }
  p.gateways.resize(p.cluster_of.empty() || !p.leaf_remotes.empty() ? 0 : n);
  for (size_t i = 0; i < p.gateways.size(); ++i) {
    auto& g = p.gateways[i];
    for (auto& to : g)
      to = static_cast<int>(static_cast<size_t>(std::max(to, 0)) % n);
    g.erase(std::remove_if(g.begin(), g.end(),
                           [&](int to) { return same_cluster(i, static_cast<size_t>(to)); }),
            g.end());
  }
  p.start_gaps_ns.resize(n, 0);
  for (auto& home : p.client_home)
    home = static_cast<int>(static_cast<size_t>(std::max(home, 0)) % n);
  const int clients = static_cast<int>(p.client_home.size());
  p.client_headers.resize(p.client_home.size(), true);
  p.client_echo.resize(p.client_home.size(), true);
  p.responders.resize(p.client_home.size(), false);
  p.client_account.resize(p.client_home.size(), 0);
  for (auto& a : p.client_account)
    a = p.leaf_remotes.empty() ? std::max(a, 0) % static_cast<int>(account_names().size()) : 0;
  if (clients == 0) p.ops.clear();
  for (auto& op : p.ops) {
    op.client = std::max(op.client, 0) % std::max(clients, 1);
    op.subject = std::max(op.subject, 0);
    if (op.what == client_op::kind::subscribe)
      op.subject %= static_cast<int>(sub_patterns().size());
    if (op.what == client_op::kind::publish) op.subject %= static_cast<int>(pub_subjects().size());
    if (op.what == client_op::kind::flood) op.subject %= static_cast<int>(pub_subjects().size());
    if (op.what == client_op::kind::request)
      op.subject %= static_cast<int>(request_subjects().size());
    if (op.what != client_op::kind::publish) op.header = false;
    if (op.queue >= 0) op.queue %= static_cast<int>(queue_names().size());
    op.count = std::clamp(op.count, 1, op.what == client_op::kind::flood ? 200 : 50);
    op.size = std::clamp(op.size, 64, 64 * 1024);
  }
  std::stable_sort(p.ops.begin(), p.ops.end(),
                   [](const client_op& a, const client_op& b) { return a.at_ns < b.at_ns; });
  for (auto& f : p.faults) {
    for (auto& h : f.hosts)
      h = static_cast<int>(static_cast<size_t>(std::max(h, 0)) % n);
    if (f.hosts.empty()) f.hosts.push_back(0);
    if (f.what == fault_event::kind::cut && (f.hosts.size() < 2 || f.hosts[0] == f.hosts[1]))
      f.hosts = {f.hosts[0], static_cast<int>((static_cast<size_t>(f.hosts[0]) + 1) % n)};
  }
  if (n < 2) p.faults.clear();
  std::stable_sort(p.faults.begin(), p.faults.end(),
                   [](const fault_event& a, const fault_event& b) { return a.at_ns < b.at_ns; });
  std::set<std::pair<int, int>> cuts;
  for (auto [a, b] : p.permanent_cuts) {
    a = static_cast<int>(static_cast<size_t>(std::max(a, 0)) % n);
    b = static_cast<int>(static_cast<size_t>(std::max(b, 0)) % n);
    if (a != b) cuts.insert({std::min(a, b), std::max(a, b)});
  }
  p.permanent_cuts = std::move(cuts);
  p.max_pending = std::clamp<int64_t>(p.max_pending, 64 * 1024, 64 * 1024 * 1024);
  p.write_deadline_ns = std::clamp<int64_t>(p.write_deadline_ns, 100'000'000, 60 * second);
  p.hostile_peers = p.route_auth ? std::clamp(p.hostile_peers, 0, 4) : 0;
}

std::string describe(const scenario_plan& p) {
  std::string s = "servers=" + std::to_string(p.servers) + describe_clusters(p) +
                  (p.route_auth ? " auth" : "") +
                  (p.hostile_peers > 0 ? " hostile=" + std::to_string(p.hostile_peers) : "") +
                  " routes=[";
  for (int i = 0; i < p.servers; ++i)
    for (int to : p.routes[static_cast<size_t>(i)])
      s += std::to_string(i) + "->" + std::to_string(to) + " ";
  s += "] clients=" + std::to_string(p.client_home.size()) + " ops=" + std::to_string(p.ops.size());
  if (p.ops.size() <= 12) s += " " + describe_ops(p);
  if (!p.permanent_cuts.empty()) {
    s += " cut_for_good=[";
    for (auto [a, b] : p.permanent_cuts)
      s += std::to_string(a) + "-" + std::to_string(b) + " ";
    s += "]";
  }
  if (!p.faults.empty()) {
    s += " faults=[";
    static const char* names[] = {"reset", "partition", "cut", "crash", "stuck", "slow"};
    for (const auto& f : p.faults) {
      s += names[static_cast<int>(f.what)];
      s += ":";
      for (size_t i = 0; i < f.hosts.size(); ++i)
        s += (i ? "," : "") + std::to_string(f.hosts[i]);
      if (f.what != fault_event::kind::reset)
        s += "/" + std::to_string(f.duration_ns / second) + "s";
      s += "@" + std::to_string(f.at_ns / millisecond) + "ms ";
    }
    s += "]";
  }
  return s;
}

}  // namespace gnatsd::sim
