#include "sim/world.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>
#include <cstdio>
#include <limits>

#include "util/assert.hpp"

namespace gnatsd::sim {

void trace_log::write(log_level level, std::string_view message) {
  char stamp[48];
  std::snprintf(stamp, sizeof stamp, "%12.6f ", static_cast<double>(now_()) / 1e9);
  std::string line = stamp;
  line += name_;
  line += " [";
  line += log_label(level);
  line += "] ";
  line += message;
  lines->push_back(std::move(line));
}

struct world::impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  impl() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }

  int64_t now() const { return sched->clock().now().time_since_epoch().count(); }
};

world::world(uint64_t seed, network_profile profile)
    : impl_(std::make_unique<impl>()),
      scheduler_rng_(seed ^ 0x5c4ed01e),
      server_rng_(seed ^ 0x5e4ae4) {
  prng network_rng{seed ^ 0x4e7e0};
  network_ = std::make_unique<sim_network>(
      network_rng, [this] { return now_ns(); }, profile);
}

world::~world() {
  for (auto& s : servers_)
    if (s) caf::anon_send(s->actor, shutdown_atom_v);
  // Let the actors wind down deterministically before the system is destroyed.
  run_until([] { return false; }, 100'000);
}

caf::actor_system& world::system() {
  return *impl_->sys;
}

int64_t world::now_ns() const {
  return impl_->now();
}

running_server& world::start_server(const std::string& address, server_options options) {
  addresses_.push_back(address);
  options_.push_back(options);
  servers_.push_back(boot(address, std::move(options)));
  return *servers_.back();
}

std::unique_ptr<running_server> world::boot(const std::string& address, server_options options) {
  hosts_.push_back(network_->host(address));
  auto log = std::make_shared<trace_log>([this] { return now_ns(); }, address);
  log->lines = trace_;
  log->debug = options.debug;
  log->trace = options.trace;
  auto server = std::make_unique<running_server>();
  std::string error;
  const bool ok = gnatsd::start_server(*impl_->sys, *hosts_.back(), std::move(options), log,
                                       server_rng_.next(), *server, error);
  GNATSD_ASSERT(ok);
  return server;
}

void world::crash_server(size_t index) {
  const auto& address = addresses_.at(index);
  note(address + " crashes");
  network_->crash_host(address);
  // The kill reaches the linked sessions, routes and interest actor too.
  caf::anon_send_exit(servers_.at(index)->actor, caf::exit_reason::kill);
  crashed_.push_back(std::move(servers_[index]));
  servers_[index] = nullptr;
}

running_server& world::restart_server(size_t index) {
  const auto& address = addresses_.at(index);
  GNATSD_ASSERT(servers_.at(index) == nullptr);
  note(address + " boots again");
  network_->revive_host(address);
  servers_[index] = boot(address, options_.at(index));
  return *servers_[index];
}

const std::string& world::address_of(const running_server& server) const {
  for (size_t i = 0; i < servers_.size(); ++i)
    if (servers_[i].get() == &server) return addresses_[i];
  GNATSD_ASSERT(false);
  return addresses_.front();
}

void world::note(const std::string& line) {
  char stamp[48];
  std::snprintf(stamp, sizeof stamp, "%12.6f ", static_cast<double>(now_ns()) / 1e9);
  trace_->push_back(stamp + std::string{"== "} + line);
}

size_t world::max_mailbox() const {
  // Only actors with messages are on the job list, so this sees every non-empty mailbox.
  size_t most = 0;
  for (auto* job : impl_->sched->jobs)
    if (auto* actor = dynamic_cast<caf::scheduled_actor*>(job))
      most = std::max(most, actor->mailbox().size());
  return most;
}

std::shared_ptr<sim_client> world::connect(const running_server& server) {
  auto client = network_->connect_client(address_of(server), server.client_port);
  GNATSD_ASSERT(client != nullptr);
  return client;
}

bool world::step(int64_t limit_ns) {
  auto& jobs = impl_->sched->jobs;
  if (!jobs.empty()) {
    // The scheduler stream picks which ready actor runs next (one message).
    const auto pick = static_cast<std::ptrdiff_t>(scheduler_rng_.below(jobs.size()));
    std::rotate(jobs.begin(), jobs.begin() + pick, jobs.begin() + pick + 1);
    impl_->sched->run_once();
    ++steps_;
    return true;
  }
  const int64_t now = now_ns();
  if (network_->deliver_due(now)) {
    ++steps_;
    return true;
  }
  int64_t next = network_->next_event_ns();
  const auto& schedule = impl_->sched->clock().schedule();
  if (!schedule.empty())
    next = std::min<int64_t>(next, schedule.begin()->first.time_since_epoch().count());
  if (next > limit_ns) {
    if (limit_ns != std::numeric_limits<int64_t>::max() && limit_ns > now)
      impl_->sched->advance_time(caf::timespan{limit_ns - now});
    return false;
  }
  // Virtual time jumps to the next event; due CAF timers fire here.
  impl_->sched->advance_time(caf::timespan{std::max<int64_t>(0, next - now)});
  network_->deliver_due(now_ns());
  ++steps_;
  return true;
}

bool world::run_until(const std::function<bool()>& done, uint64_t max_steps) {
  for (uint64_t i = 0; i < max_steps; ++i) {
    if (done()) return true;
    if (!step()) return done();
  }
  return done();
}

void world::run_for(int64_t ns) {
  const int64_t until = now_ns() + ns;
  while (step(until)) {
  }
}

}  // namespace gnatsd::sim
