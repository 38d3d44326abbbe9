#include "sim/cluster_scenario.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "sim/hostile_peer.hpp"
#include "sim/interest_holdings.hpp"
#include "sim/invariant_checker.hpp"
#include "sim/leafnodes.hpp"
#include "sim/protocol_workload.hpp"
#include "sim/supercluster.hpp"
#include "sim/world.hpp"
#include "subject/subject.hpp"

namespace gnatsd::sim {
namespace {

constexpr int64_t second = 1'000'000'000;
constexpr int64_t millisecond = 1'000'000;
constexpr int cluster_port = 6222;
constexpr int client_port = 4222;
constexpr const char* route_user = "ruser";
constexpr const char* route_password = "s1m-route-secret";

// One run: the world, its servers and clients, the checker, and the timeline of actions.
class scenario_run {
 public:
  explicit scenario_run(const scenario_plan& plan)
      : plan_(plan),
        world_(plan.world_seed, profile(plan)),
        checker_(
            world_.network(), cluster_port, [](const std::string& h) { return server_index(h); },
            [this] { return world_.now_ns(); }, static_cast<size_t>(outbound_bound(plan))),
        protocol_(
            clients_, checker_,
            [this](workload_client& c, const std::string& subject, const std::string& reply,
                   bool header) { return publish(c, subject, 0, reply, header); },
            [this](int a, int b) { return reaches(a, b) && reaches(b, a); },
            [this] { return next_message_; }) {
    world_.network().set_observer(&checker_);
    if (is_supercluster(plan)) checker_.set_gateways(gateway_port, plan.cluster_of);
    if (has_leafnodes(plan)) checker_.set_leafnodes(leaf_port, plan.cluster_of);
    checker_.set_client_accounts(plan.client_account);
  }
  ~scenario_run() {
    // The world shuts down after this; nothing may call back into the checker or clients.
    world_.network().set_observer(nullptr);
    for (auto& c : clients_)
      c->abandon();
    for (auto& h : hostile_)
      h.close();
  }

  scenario_result run() {
    start_servers();
    start_clients();
    play_timeline();
    // A calm window inside the heal phase as well as at its end: exactly-once is checked in
    // both, once every fault has been over long enough for routes and interest to settle.
    if (checker_.ok()) run_for(plan_.heal_phase_ns / 2);
    if (checker_.ok() && world_.now_ns() - last_fault_end() >= settle_ns) {
      calm_round();
      world_.network().coverage()["calm window checked before the end"]++;
    }
    if (checker_.ok()) run_for(plan_.heal_phase_ns - plan_.heal_phase_ns / 2);
    if (checker_.ok()) check_mesh();
    if (checker_.ok()) check_interest();
    if (checker_.ok()) calm_round();
    if (checker_.ok()) protocol_.check_probes();
    for (auto& h : hostile_)
      if (auto e = h.violation(); !e.empty()) checker_.fail(e);
    scenario_result r;
    r.passed = checker_.ok();
    r.failure = checker_.failure();
    r.parameters = describe(plan_);
    r.trace = world_.trace();
    r.steps = world_.steps();
    r.coverage = world_.network().coverage();
    return r;
  }

 private:
  static network_profile profile(const scenario_plan& plan) {
    network_profile p;
    p.slow_dial_percent = plan.slow_dial_percent;
    return p;
  }

  static int server_index(const std::string& host) {
    const std::string prefix = "10.0.0.";
    if (host.compare(0, prefix.size(), prefix) != 0) return -1;
    return std::stoi(host.substr(prefix.size())) - 1;
  }

  // Steps until `ns` of virtual time have passed, sampling the bounded-resource invariants
  // and stopping at the first violation.
  void run_for(int64_t ns) {
    const int64_t until = world_.now_ns() + ns;
    while (checker_.ok()) {
      reconnect_due();
      const int64_t limit = lost_.empty() ? until : std::min(until, lost_.begin()->first);
      if (!world_.step(limit)) {
        if (limit >= until) break;
        continue;
      }
      if (world_.steps() % 256 == 0) checker_.check_bounds(world_.max_mailbox());
      if (plan_.max_steps != 0 && world_.steps() > plan_.max_steps)
        checker_.fail("step budget: more than " + std::to_string(plan_.max_steps) + " steps");
    }
  }

  // Every server has accounts A and B besides $G; each client logs in with its account's
  // user (account_users()), whose password is the user name.
  static void configure_accounts(server_options& o) {
    // Longer than the longest stuck reader: a client that connects while its server does not
    // read is not timed out before its CONNECT is read (nats-server would time it out too).
    o.authorization.timeout = std::chrono::seconds{30};
    for (size_t a = 1; a < account_names().size(); ++a)
      o.accounts.push_back(named_account(account_names()[a]));
    for (size_t a = 0; a < account_names().size(); ++a)
      o.authorization.users.push_back(user_entry{account_users()[a], account_users()[a],
                                                 std::nullopt, a == 0 ? "" : account_names()[a],
                                                 ""});
  }

  void start_servers() {
    std::vector<std::string> hosts;
    for (int i = 0; i < plan_.servers; ++i)
      hosts.push_back(server_host(i));
    for (auto [a, b] : plan_.permanent_cuts)
      world_.network().cut(server_host(a), server_host(b));
    for (int i = 0; i < plan_.servers; ++i) {
      run_for(plan_.start_gaps_ns[static_cast<size_t>(i)]);
      server_options o;
      o.port = client_port;
      o.cluster.port = cluster_port;
      o.debug = true;
      o.ping_interval = std::chrono::nanoseconds{plan_.ping_interval_ns};
      o.max_pending = plan_.max_pending;
      o.max_payload = std::min<int64_t>(o.max_payload, plan_.max_pending);
      o.write_deadline = std::chrono::nanoseconds{plan_.write_deadline_ns};
      // Even servers parse read buffers in 4 KiB turns (other messages between them), odd
      // ones in one turn, as production's 10 us turns do under a clock that stands still.
      if (i % 2 == 0) o.read_turn = std::chrono::microseconds{0};
      const std::string credentials =
          plan_.route_auth ? std::string{route_user} + ":" + route_password + "@" : "";
      if (plan_.route_auth) {
        o.cluster.authorization.user = route_user;
        o.cluster.authorization.password = route_password;
      }
      configure_accounts(o);
      if (is_supercluster(plan_)) configure_supercluster(plan_, i, o);
      if (has_leafnodes(plan_)) configure_leafnodes(plan_, i, o);
      for (int r : plan_.routes[static_cast<size_t>(i)])
        o.cluster.routes.push_back("nats://" + credentials + server_host(r) + ":" +
                                   std::to_string(cluster_port));
      checker_.server_started(i, world_.start_server(server_host(i), o).context->server_id);
    }
  }

  void start_clients() {
    for (size_t c = 0; c < plan_.client_home.size(); ++c) {
      const client_options options{plan_.client_headers[c], plan_.client_echo[c],
                                   account_users()[static_cast<size_t>(plan_.client_account[c])]};
      auto client =
          std::make_shared<workload_client>(static_cast<int>(c), plan_.client_home[c], options,
                                            checker_, world_.network().coverage());
      client->on_lost = [this](workload_client& lost) {
        lost_.emplace(world_.now_ns() + reconnect_wait_ns, lost.index());
      };
      connect(*client, client);
      protocol_.start(*client, plan_.responders[c]);
      clients_.push_back(client);
    }
  }

  // Clients whose connection was closed reconnect after a wait, like real clients (their
  // server may be down: then they wait for its restart).
  void reconnect_due() {
    while (!lost_.empty() && lost_.begin()->first <= world_.now_ns()) {
      auto& c = clients_[static_cast<size_t>(lost_.begin()->second)];
      lost_.erase(lost_.begin());
      if (!c->connected() && world_.server_up(static_cast<size_t>(c->home()))) connect(*c, c);
    }
  }

  void connect(workload_client& c, const std::shared_ptr<workload_client>& self) {
    if (!c.connect(world_.network(), server_host(c.home()), client_port, self))
      checker_.fail("client " + std::to_string(c.index()) + " cannot connect to its server");
  }

  // -- the timeline of operations and faults ------------------------------------------------

  // When the last fault ended (virtual time), or the fault phase's start if there were none.
  int64_t last_fault_end() const {
    int64_t end = timeline_start_;
    for (const auto& f : plan_.faults)
      end = std::max(end, timeline_start_ + f.at_ns +
                              (f.what == fault_event::kind::reset ? 0 : f.duration_ns));
    return end;
  }

  void play_timeline() {
    std::multimap<int64_t, std::function<void()>> timeline;
    for (const auto& op : plan_.ops)
      timeline.emplace(op.at_ns, [this, &op] { apply(op); });
    for (size_t i = 0; i < plan_.faults.size(); ++i) {
      const auto& f = plan_.faults[i];
      timeline.emplace(f.at_ns, [this, &f, i] { begin_fault(f, i); });
      if (f.what != fault_event::kind::reset)
        timeline.emplace(f.at_ns + f.duration_ns, [this, &f, i] { end_fault(f, i); });
    }
    hostile_.resize(static_cast<size_t>(plan_.hostile_peers));
    for (int k = 0; k < plan_.hostile_peers; ++k)
      for (int64_t at = k * 97 * millisecond; at < plan_.fault_phase_ns; at += 250 * millisecond)
        timeline.emplace(at, [this, k] { attack(k); });
    const int64_t start = timeline_start_ = world_.now_ns();
    for (auto& [at, action] : timeline) {
      run_for(start + at - world_.now_ns());
      if (!checker_.ok()) return;
      action();
    }
    run_for(start + plan_.fault_phase_ns - world_.now_ns());
  }

  void apply(const client_op& op) {
    auto& c = *clients_[static_cast<size_t>(op.client)];
    switch (op.what) {
      case client_op::kind::subscribe:
        c.subscribe(sub_patterns()[static_cast<size_t>(op.subject)],
                    op.queue < 0 ? std::string{} : queue_names()[static_cast<size_t>(op.queue)]);
        break;
      case client_op::kind::unsubscribe:
        c.unsubscribe(static_cast<size_t>(op.subject));
        break;
      case client_op::kind::publish:
        for (int i = 0; i < op.count; ++i)
          publish(c, pub_subjects()[static_cast<size_t>(op.subject)], 0, {}, op.header);
        break;
      case client_op::kind::auto_unsubscribe:
        c.auto_unsubscribe(static_cast<size_t>(op.subject), op.count);
        break;
      case client_op::kind::request:
        for (int i = 0; i < op.count; ++i)
          protocol_.request(c, request_subjects()[static_cast<size_t>(op.subject)]);
        break;
      case client_op::kind::flush_sub:
        protocol_.flush_sub(c);
        break;
      case client_op::kind::flush_unsub:
        protocol_.flush_unsub(c);
        break;
      case client_op::kind::flood:
        for (int i = 0; i < op.count; ++i)
          publish(c, pub_subjects()[static_cast<size_t>(op.subject)], static_cast<size_t>(op.size));
        break;
    }
  }

  message_id publish(workload_client& c, const std::string& subject, size_t size = 0,
                     const std::string& reply = {}, bool header = false) {
    message_id id{++next_message_, c.home(), c.index(), ++sequence_[c.index()]};
    if (!c.connected()) return id;  // a disconnected client does not publish
    // Only a client that said "headers" in its CONNECT may send HPUB (nats-server closes
    // the others as a protocol violation).
    const bool with_header = header && c.options().headers;
    const std::string h = with_header ? invariant_checker::header_for(id) : std::string{};
    checker_.published(id, subject, h);
    c.publish(subject, id.encode_padded(size), reply, h);
    return id;
  }

  std::set<std::string> hosts_of(const fault_event& f) const {
    std::set<std::string> side;
    for (int h : f.hosts)
      side.insert(server_host(h));
    return side;
  }

  std::vector<std::string> all_hosts() const {
    std::vector<std::string> all;
    for (int i = 0; i < plan_.servers; ++i)
      all.push_back(server_host(i));
    return all;
  }

  void begin_fault(const fault_event& f, size_t index) {
    auto& net = world_.network();
    const int host = f.hosts.front();
    switch (f.what) {
      case fault_event::kind::reset:
        world_.note("links of " + server_host(host) + " reset");
        net.reset_connections(server_host(host));
        break;
      case fault_event::kind::cut:
        world_.note("link " + server_host(host) + " - " + server_host(f.hosts[1]) + " cut");
        net.cut(server_host(host), server_host(f.hosts[1]));
        break;
      case fault_event::kind::partition:
        world_.note("partition of " + std::to_string(f.hosts.size()) + " server(s)");
        net.partition(hosts_of(f), all_hosts());
        break;
      case fault_event::kind::stuck_reader:
      case fault_event::kind::slow_reader: {
        const bool stuck = f.what == fault_event::kind::stuck_reader;
        world_.note(server_host(host) + (stuck ? " stops reading" : " reads slowly"));
        net.set_read_mode(server_host(host), stuck ? read_mode::stuck : read_mode::slow);
        break;
      }
      case fault_event::kind::crash:
        if (!world_.server_up(static_cast<size_t>(host))) return;  // already down
        crashed_by_.insert(index);
        for (auto& c : clients_)
          if (c->home() == host) c->abandon();
        world_.crash_server(static_cast<size_t>(host));
        break;
    }
  }

  void end_fault(const fault_event& f, size_t index) {
    auto& net = world_.network();
    const int host = f.hosts.front();
    switch (f.what) {
      case fault_event::kind::reset:
        break;
      case fault_event::kind::cut:
        world_.note("link " + server_host(host) + " - " + server_host(f.hosts[1]) + " restored");
        net.restore(server_host(host), server_host(f.hosts[1]));
        break;
      case fault_event::kind::partition:
        world_.note("partition of " + std::to_string(f.hosts.size()) + " server(s) heals");
        net.partition(hosts_of(f), all_hosts(), true);
        break;
      case fault_event::kind::stuck_reader:
      case fault_event::kind::slow_reader:
        world_.note(server_host(host) + " reads normally again");
        net.set_read_mode(server_host(host), read_mode::normal);
        break;
      case fault_event::kind::crash:
        if (crashed_by_.erase(index) == 0) return;
        const auto& restarted = world_.restart_server(static_cast<size_t>(host));
        checker_.server_started(host, restarted.context->server_id);
        checker_.restarted(server_host(host));
        for (auto& c : clients_)
          if (c->home() == host) connect(*c, c);  // clients reconnect and resubscribe
        break;
    }
  }

  void attack(int k) {
    auto& h = hostile_[static_cast<size_t>(k)];
    if (auto e = h.violation(); !e.empty()) checker_.fail(e);
    // In a supercluster every other attack goes to the gateway port, which takes nothing
    // but a gateway's CONNECT first; with leafnodes every other one to a hub's leafnode port.
    const bool other = (k + h_attacks_++) % 2 == 1;
    const int target = k % plan_.servers;
    int port = cluster_port;
    if (other && is_supercluster(plan_)) port = gateway_port;
    if (other && has_leafnodes(plan_) && is_hub(plan_, target)) port = leaf_port;
    h.attack(world_.network(), server_host(target), target, port, route_user, k);
  }

  // -- liveness ------------------------------------------------------------------------------

  bool cut_for_good(int a, int b) const {
    return plan_.permanent_cuts.count({std::min(a, b), std::max(a, b)}) != 0;
  }

  bool same_cluster(int a, int b) const {
    return plan_.cluster_of.empty() ||
           plan_.cluster_of[static_cast<size_t>(a)] == plan_.cluster_of[static_cast<size_t>(b)];
  }

  // Joined by one route (servers of one cluster).
  bool linked(int a, int b) const {
    return a == b || (same_cluster(a, b) && world_.network().open_connections_between(
                                                server_host(a), server_host(b)) == 1);
  }

  // A message published on `a` reaches clients of `b` (across a gateway too).
  bool reaches(int a, int b) const { return sim::reaches(plan_, world_.network(), a, b); }

  bool up(int s) const { return world_.server_up(static_cast<size_t>(s)); }

  void check_mesh() {
    for (int a = 0; a < plan_.servers; ++a)
      for (int b = a + 1; b < plan_.servers; ++b) {
        if (!same_cluster(a, b)) continue;  // gateways: check_gateway_mesh
        const size_t routes =
            world_.network().open_connections_between(server_host(a), server_host(b));
        // With links cut for good, which uncut pairs meet depends on who can tell whom
        // (gossip needs a common neighbour), so only "at most one route" is required there.
        const size_t want = cut_for_good(a, b) ? 0 : 1;
        const bool partial = !plan_.permanent_cuts.empty();
        if (partial ? routes > want : routes != want)
          checker_.fail("full mesh: " + std::to_string(routes) + " routes between " +
                        server_host(a) + " and " + server_host(b) + " after the heal phase");
      }
    for (const auto& c : clients_)
      if (!c->connected())
        checker_.fail("client " + std::to_string(c->index()) + " lost its connection");
    if (is_supercluster(plan_))
      if (auto e = check_gateway_mesh(plan_, world_.network(), [this](int s) { return up(s); });
          !e.empty())
        checker_.fail(e);
    if (has_leafnodes(plan_))
      if (auto e = check_leaf_links(plan_, world_.network(), [this](int s) { return up(s); });
          !e.empty())
        checker_.fail(e);
  }

  void check_interest() {
    std::vector<server_holdings> held;
    std::vector<interest> announced;
    for (int s = 0; s < plan_.servers; ++s) {
      held.push_back(holdings_of(world_, s));
      announced.push_back(held.back().announced);
    }
    for (int s = 0; s < plan_.servers; ++s) {
      const auto& mine = held[static_cast<size_t>(s)];
      interest model;
      for (const auto& c : clients_)
        if (c->home() == s)
          for (const auto& sub : c->subscriptions())
            if (sub.active)
              model.insert(account_names()[static_cast<size_t>(checker_.account_of(c->index()))] +
                           "|" + sub.subject + "|" + sub.queue);
      if (model != mine.local)
        checker_.fail("interest: server " + std::to_string(s) +
                      " does not hold exactly its clients' subscriptions");
      interest expected;
      for (int p = 0; p < plan_.servers; ++p)
        if (p != s && linked(s, p))
          for (const auto& i : summary(announced[static_cast<size_t>(p)]))
            expected.insert(i);
      if (expected != mine.remote)
        checker_.fail("interest convergence: server " + std::to_string(s) + " holds " +
                      std::to_string(mine.remote.size()) +
                      " route subscriptions, its live peers have " +
                      std::to_string(expected.size()) + " (queue weights included)");
    }
    if (is_supercluster(plan_))
      if (auto e =
              check_gateway_interest(plan_, world_, announced, [this](int s) { return up(s); });
          !e.empty())
        checker_.fail(e);
    if (has_leafnodes(plan_))
      if (auto e = check_leaf_interest(plan_, world_, world_.network(), announced,
                                       [this](int s) { return up(s); });
          !e.empty())
        checker_.fail(e);
  }

  // Every connected client publishes once on every subject; each message must reach every
  // matching subscription, and every queue group once, on the servers routed to its origin.
  // What a subscription had when the calm round began.
  struct calm_start {
    bool active = false;
    int64_t received = 0;
  };
  using calm_starts = std::map<std::pair<int, std::string>, calm_start>;
  using limited_counts = std::map<std::pair<int, std::string>, int64_t>;

  // Requests from every client get exactly one reply where a responder is reachable.
  // A subscription with an auto-unsubscribe limit gets what it has left of it, if that is
  // less than what it would get without one.
  void calm_round() {
    calm_starts before;
    for (const auto& c : clients_)
      for (const auto& s : c->subscriptions())
        before[{c->index(), s.sid}] = calm_start{s.active, s.received};
    std::vector<std::pair<message_id, std::string>> sent;
    for (auto& c : clients_)
      for (const auto& subject : pub_subjects())
        sent.emplace_back(publish(*c, subject, 0, {}, c->index() % 2 == 1), subject);
    protocol_.calm_requests();
    run_for(2 * second);
    limited_counts limited;
    for (const auto& [id, subject] : sent)
      check_calm_delivery(id, subject, before, limited);
    check_limited(before, limited);
    protocol_.check_calm_requests();
  }

  void check_limited(const calm_starts& before, const limited_counts& reachable_messages) {
    for (const auto& [key, reachable] : reachable_messages) {
      const auto& c = *clients_[static_cast<size_t>(key.first)];
      const client_subscription* s = nullptr;
      for (const auto& sub : c.subscriptions())
        if (sub.sid == key.second) s = &sub;
      const int64_t had = before.at(key).received;
      const int64_t want = std::min(reachable, s->max - had);
      if (s->received - had != want)
        checker_.fail("auto-unsubscribe: client " + std::to_string(key.first) + " sid " +
                      key.second + " got " + std::to_string(s->received - had) +
                      " calm messages, expected " + std::to_string(want) + " (limit " +
                      std::to_string(s->max) + ", had " + std::to_string(had) + ")");
    }
  }

  void check_calm_delivery(const message_id& id, const std::string& subject,
                           const calm_starts& before, limited_counts& limited) {
    const auto& got = checker_.deliveries_of(id.id);
    std::map<std::string, int> queue_hits, queue_reachable;
    std::set<std::string> queue_limited;  // groups with a limited member: at most once only
    for (const auto& c : clients_) {
      // Another account's clients never get it (the checker fails any that does).
      if (checker_.account_of(c->index()) != checker_.account_of(id.publisher)) continue;
      const bool reachable = reaches(id.origin, c->home());
      // A client with echo off never gets its own messages.
      const bool own = !c->options().echo && id.publisher == c->index();
      const bool expected = reachable && !own;
      for (const auto& sub : c->subscriptions()) {
        const auto start = before.find({c->index(), sub.sid});
        if (start == before.end() || !start->second.active ||
            !subject::matches(sub.subject, subject))
          continue;
        const auto n = static_cast<int>(
            std::count(got.begin(), got.end(), std::make_pair(c->index(), sub.sid)));
        if (!sub.queue.empty()) {
          queue_hits[sub.queue] += n;
          queue_reachable[sub.queue] += expected ? 1 : 0;
          if (sub.max > 0) queue_limited.insert(sub.queue);
          if (!reachable && n > 0)
            checker_.fail("one hop: " + id.encode() + " reached queue member client " +
                          std::to_string(c->index()) + " on a server not routed to its origin");
          continue;
        }
        if (sub.max > 0) {
          limited[{c->index(), sub.sid}] += expected ? 1 : 0;  // see check_limited
          continue;
        }
        if (n != (expected ? 1 : 0))
          checker_.fail("calm delivery: client " + std::to_string(c->index()) + " sid " + sub.sid +
                        " got " + std::to_string(n) + " copies of " + id.encode() + " on '" +
                        subject + "'" + (reachable ? "" : " (no route to its origin)"));
      }
    }
    for (const auto& [queue, members] : queue_reachable)
      if (queue_limited.count(queue) == 0 && queue_hits[queue] != (members > 0 ? 1 : 0))
        checker_.fail("calm queue delivery: group '" + queue + "' got " +
                      std::to_string(queue_hits[queue]) + " copies of " + id.encode());
  }

  const scenario_plan& plan_;
  world world_;
  invariant_checker checker_;
  std::vector<std::shared_ptr<workload_client>> clients_;
  std::map<int, uint64_t> sequence_;
  uint64_t next_message_ = 0;
  std::set<size_t> crashed_by_;       // crash faults that did take their server down
  std::multimap<int64_t, int> lost_;  // reconnect time -> client
  std::vector<hostile_peer> hostile_;
  int h_attacks_ = 0;
  protocol_workload protocol_;
  int64_t timeline_start_ = 0;
  static constexpr int64_t reconnect_wait_ns = 1'000'000'000;
  // After a fault: redials (1 s plus jitter), the regossip sweep (5 s) and interest.
  static constexpr int64_t settle_ns = 10'000'000'000;
};

}  // namespace

scenario_result run_scenario(const scenario_plan& plan) {
  scenario_plan normalized = plan;
  normalize(normalized);
  scenario_run run{normalized};
  return run.run();
}

}  // namespace gnatsd::sim
