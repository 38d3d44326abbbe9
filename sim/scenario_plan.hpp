// What a simulated cluster run does, as plain data: the topology (servers and the routes
// each is configured with), when servers start, the clients and their operations, and the
// faults. gnatsd-sim derives a plan from one seed (`generate_plan`); the RapidCheck
// properties build plans from generators, so that a failure shrinks to a minimal plan.
// `run_scenario` (sim/cluster_scenario.hpp) executes a plan and checks the invariants.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace gnatsd::sim {

/// none: no faults; lite: link resets, slow dials, stuck and slow readers; full: also
/// partitions, cut links, node crashes with restarts under a new server id (leaving peers
/// half-open).
enum class fault_mode { none, lite, full };

struct fault_event {
  // stuck_reader / slow_reader: the server stops reading its sockets, or reads a little at a
  // time (a stopped or overloaded process, as its peers see it).
  enum class kind { reset, partition, cut, crash, stuck_reader, slow_reader };
  kind what = kind::reset;
  int64_t at_ns = 0;        // from the start of the fault phase
  int64_t duration_ns = 0;  // partition, cut: until healed; crash: until the restart;
                            // stuck/slow reader: until it reads normally again
  std::vector<int> hosts;   // reset, crash, readers: {server}; cut: {a, b}; partition: a side
};

struct client_op {
  // flood: `count` messages with payloads of `size` bytes, published at once.
  // auto_unsubscribe: `UNSUB sid max` for the `subject`-th active subscription (modulo), the
  //   limit `count` messages beyond what it has received.
  // request: `count` requests on svc.<subject>, the reply to the client's inbox.
  // flush_sub / flush_unsub: the flush rule probed (see cluster_scenario.cpp): SUB or
  //   SUB+UNSUB on a fresh subject, PING, and publications once the PONG is there.
  enum class kind {
    subscribe,
    unsubscribe,
    publish,
    flood,
    auto_unsubscribe,
    request,
    flush_sub,
    flush_unsub
  };
  kind what = kind::publish;
  int64_t at_ns = 0;  // from the start of the fault phase
  int client = 0;
  int subject = 0;      // subscribe: index into sub_patterns; publish: into pub_subjects;
                        // unsubscribe: which active subscription (modulo)
  int queue = -1;       // subscribe: index into queue_names, or -1 for a plain subscription
  int count = 1;        // publish, flood: how many messages
  int size = 0;         // flood: payload bytes of each
  bool header = false;  // publish: HPUB with a header that names the message
};

struct scenario_plan {
  uint64_t world_seed = 1;  // the world's scheduler and network streams
  int servers = 1;
  std::vector<std::vector<int>> routes;  // routes[i]: the servers i is configured to solicit
  std::vector<int64_t> start_gaps_ns;    // virtual time before each server starts
  std::vector<int> client_home;          // client -> the server it connects to
  // The client protocol's options, per client (sized like client_home by normalize):
  std::vector<bool> client_headers;  // CONNECT "headers": may it receive HMSG
  std::vector<bool> client_echo;     // CONNECT "echo": its own messages come back
  std::vector<bool> responders;      // answers requests (queue group "workers" on svc.*)
  // The account each client logs in to: an index into account_names() (0: the global
  // account). Every server has the same accounts; messages never cross them.
  std::vector<int> client_account;
  std::vector<client_op> ops;                    // sorted by time
  std::vector<fault_event> faults;               // sorted by time
  std::set<std::pair<int, int>> permanent_cuts;  // links cut for the whole run (a < b)
  int slow_dial_percent = 0;
  int64_t ping_interval_ns = 5'000'000'000;  // route and client keepalive
  int64_t fault_phase_ns = 5'000'000'000;
  int64_t heal_phase_ns = 30'000'000'000;
  uint64_t max_steps = 0;  // a run that takes more steps fails (livelock); 0: no budget
  // Cluster safety: small limits, so that stuck readers and floods reach them.
  int64_t max_pending = 512 * 1024;
  int64_t write_deadline_ns = 2'000'000'000;
  bool route_auth = false;  // every cluster port requires a user and password
  int hostile_peers = 0;    // with route_auth: peers without credentials attacking ports
  // A supercluster (sim/supercluster.hpp): the cluster of each server (empty: one cluster,
  // no gateways); routes join servers of one cluster only. gateways[i]: the servers of other
  // clusters server i is configured to dial (as seeds of their clusters; the rest is learned
  // by gossip).
  std::vector<int> cluster_of;
  std::vector<std::vector<int>> gateways;
  // Leafnodes (sim/leafnodes.hpp), instead of gateways: cluster 0 of cluster_of is the hub
  // cluster, the others are leaf clusters. leaf_remotes[i]: the hub servers leaf server i
  // dials, in order (empty for a hub server).
  std::vector<std::vector<int>> leaf_remotes;
};

/// The subjects clients publish on, and the patterns they subscribe to.
const std::vector<std::string>& pub_subjects();
const std::vector<std::string>& sub_patterns();
const std::vector<std::string>& queue_names();
/// The subjects requests go to; responders serve them all (svc.* in queue group "workers").
const std::vector<std::string>& request_subjects();

/// The accounts of every simulated server ("$G" first), and the user that logs in to each.
const std::vector<std::string>& account_names();
const std::vector<std::string>& account_users();

/// Simulated host address of server `i`.
std::string server_host(int i);

/// What one connection of a server may hold for its peer at most: max_pending, plus what
/// one read buffer of one publisher adds before the stall or the close takes effect.
int64_t outbound_bound(const scenario_plan& plan);

struct plan_options {
  uint64_t seed = 1;
  int servers = 0;  // 0: chosen by the seed, 1-7
  fault_mode faults = fault_mode::none;
  int64_t fault_phase_ns = 5'000'000'000;
  int64_t heal_phase_ns = 30'000'000'000;
  uint64_t max_steps = 0;
  /// 2-4 clusters of 1-5 servers (12 at most) joined by gateways, instead of one cluster.
  bool supercluster = false;
  /// A hub cluster of 1-3 servers and 1-2 leaf clusters of 1-3 servers, instead.
  bool leafnodes = false;
};

/// A random plan from `options.seed`: a connected solicit graph (each server seeded with an
/// earlier one, plus extra routes), random start times, 1-3 clients per server with random
/// subscriptions and publications during the fault phase, and faults as the mode allows.
scenario_plan generate_plan(const plan_options& options);

/// One line describing the plan (topology, clients, faults), for the campaign output.
std::string describe(const scenario_plan& plan);

/// Sorts ops and faults by time and clamps every index into range, so that any generated
/// plan (RapidCheck builds them freely) is valid.
void normalize(scenario_plan& plan);

}  // namespace gnatsd::sim
