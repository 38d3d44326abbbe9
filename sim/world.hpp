// A simulated world: one CAF actor system on the deterministic test coordinator, a simulated
// network and seeded PRNG streams, running the same server actors as production.
//
// Each step runs exactly one actor message, chosen among the ready actors by the scheduler
// stream; when no actor is ready, virtual time jumps to the next network delivery or CAF
// timer. Given the same seed, a run is identical step for step, and so is its trace.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "actors/server.hpp"
#include "sim/sim_network.hpp"
#include "util/prng.hpp"

namespace caf {
class actor_system;
class actor_system_config;
}  // namespace caf

namespace gnatsd::sim {

/// Records log lines with virtual timestamps; the simulation's trace.
class trace_log final : public logger {
 public:
  explicit trace_log(std::function<int64_t()> now, std::string name)
      : now_(std::move(now)), name_(std::move(name)) {}
  void write(log_level level, std::string_view message) override;
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();

 private:
  std::function<int64_t()> now_;
  std::string name_;
};

class world {
 public:
  explicit world(uint64_t seed, network_profile profile = {});
  ~world();

  /// Starts a server on simulated host `address` (the production start_server).
  running_server& start_server(const std::string& address, server_options options);

  /// Connects a test client to a server started earlier.
  std::shared_ptr<sim_client> connect(const running_server& server);
  /// The simulated host address of a server started earlier.
  const std::string& address_of(const running_server& server) const;

  /// Fault: the node of server `index` (in start order) crashes: its host drops off the
  /// network without a word and its actors are killed.
  void crash_server(size_t index);
  /// Boots the crashed node `index` again with its options; it gets a new server id.
  running_server& restart_server(size_t index);
  /// The latest incarnation of server `index` (in start order); it must be up.
  running_server& server(size_t index) { return *servers_.at(index); }
  bool server_up(size_t index) const { return !network_->host_down(addresses_.at(index)); }

  /// Adds a line of the scenario's own to the trace.
  void note(const std::string& line);
  /// The longest mailbox of any actor right now.
  size_t max_mailbox() const;

  /// Runs one step; false when nothing is left to do (quiescent) before `limit_ns`, in which
  /// case virtual time moves to the limit (if it is finite).
  bool step(int64_t limit_ns = std::numeric_limits<int64_t>::max());
  /// Steps until `done` holds; false if `max_steps` ran out or the world went quiet first.
  bool run_until(const std::function<bool()>& done, uint64_t max_steps = 1'000'000);
  /// Steps until virtual time has advanced by `ns` (or the world is quiet with no timers).
  void run_for(int64_t ns);

  int64_t now_ns() const;
  uint64_t steps() const { return steps_; }
  sim_network& network() { return *network_; }
  const sim_network& network() const { return *network_; }
  /// Every trace line of every server, in the order written.
  const std::vector<std::string>& trace() const { return *trace_; }
  caf::actor_system& system();

 private:
  std::unique_ptr<running_server> boot(const std::string& address, server_options options);

  struct impl;
  std::unique_ptr<impl> impl_;
  prng scheduler_rng_;
  prng server_rng_;
  std::unique_ptr<sim_network> network_;
  std::vector<std::unique_ptr<net::transport>> hosts_;
  std::vector<std::unique_ptr<running_server>> servers_;  // by index; the latest incarnation
  std::vector<std::unique_ptr<running_server>> crashed_;  // earlier incarnations
  std::vector<std::string> addresses_;                    // simulated host address of each server
  std::vector<server_options> options_;                   // as given, for restarts
  std::shared_ptr<std::vector<std::string>> trace_ = std::make_shared<std::vector<std::string>>();
  uint64_t steps_ = 0;
};

}  // namespace gnatsd::sim
