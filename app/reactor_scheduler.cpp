#include "app/reactor_scheduler.hpp"

#include <atomic>
#include <caf/actor_system_config.hpp>
#include <caf/detail/double_ended_queue.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <caf/scheduler/worker.hpp>
#include <chrono>
#include <thread>

#include "net/asio/asio_transport.hpp"

namespace gnatsd {
namespace {

// The program's one transport (CAF builds the policy without arguments).
net::asio_transport* the_reactor = nullptr;

// How long an idle worker waits in the reactor before it looks for work to steal again: a
// backstop only, since work for a sleeping worker comes with a wake-up.
constexpr std::chrono::microseconds idle_wait{10'000};
// A busy worker looks at its reactor's sockets at most this often (a syscall each time).
constexpr std::chrono::microseconds poll_interval{10};

/// CAF's work-stealing policy with a different idle wait. Worker i owns reactor i (an
/// io_context with its share of the connections). It takes its own queue's head first, then
/// any other worker's oldest job, and only then runs one handler of its reactor (waiting
/// for one if none is ready). A job enqueued on a worker thread - by an actor, or by a
/// socket handler the worker is running - goes to that worker's own queue, so a read and
/// the actors it feeds run on one thread in a row; anything else goes round-robin to a
/// worker and wakes its reactor.
class reactor_policy : public caf::policy::unprofiled {
 public:
  using queue_type = caf::detail::double_ended_queue<caf::resumable>;

  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {}
    std::atomic<size_t> next_worker{0};
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
    worker_data(const worker_data&) {}
    queue_type queue;
    // Between its last look at the queues and the end of its reactor wait: a worker that
    // queues a second job wakes an idle one to steal it.
    std::atomic<bool> idle{false};
    std::chrono::steady_clock::time_point last_poll;
  };

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    if (auto* w = current_worker<Coordinator>(); w != nullptr && w->parent() == self) {
      w->exec_later(job);
      return;
    }
    auto* w = self->worker_by_id(d(self).next_worker++ % self->num_workers());
    w->external_enqueue(job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    d(self).queue.append(job);
    the_reactor->wake(reactor_of(self));
  }

  // A job for the running worker: next in line (the actor a read or a delivery just fed).
  // If one already waits there, an idle worker is woken to take one of them: fan-out and
  // a busy worker's backlog spread over the cores.
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    const bool backlog = !d(self).queue.empty();
    d(self).queue.prepend(job);
    if (backlog) wake_idle(self);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    d(self).queue.append(job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    worker_slot() = self;
    const size_t reactor = reactor_of(self);
    auto& idle = d(self).idle;
    // A busy worker still looks at its sockets between jobs, at most every poll_interval:
    // otherwise a connection of its reactor would wait for the whole backlog to run.
    const auto now = std::chrono::steady_clock::now();
    if (now - d(self).last_poll >= poll_interval) {
      d(self).last_poll = now;
      the_reactor->poll(reactor);
    }
    for (;;) {
      if (auto* job = d(self).queue.take_head()) return job;
      if (auto* job = steal(self)) return job;
      idle.store(true, std::memory_order_relaxed);
      const bool ran = the_reactor->run_one_for(reactor, idle_wait);
      idle.store(false, std::memory_order_relaxed);
      // The reactor was just looked at: the job its handler queued runs without a poll first.
      d(self).last_poll = std::chrono::steady_clock::now();
      // A stopped reactor (the program is shutting down) returns at once: look at the
      // queues every millisecond instead of spinning.
      if (!ran && the_reactor->stopped(reactor))
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker* self, UnaryFunction f) {
    while (auto* job = d(self).queue.take_head())
      f(job);
  }

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator*, UnaryFunction) {}

 private:
  static void*& worker_slot() {
    static thread_local void* worker = nullptr;
    return worker;
  }

  template <class Coordinator>
  static typename Coordinator::worker_type* current_worker() {
    return static_cast<typename Coordinator::worker_type*>(worker_slot());
  }

  template <class Worker>
  static size_t reactor_of(Worker* self) {
    return self->id() % the_reactor->reactors();
  }

  // The first worker other than `self`, in order after it, for which `f` returns true.
  template <class Worker, class F>
  static Worker* find_other(Worker* self, F f) {
    auto* parent = self->parent();
    const size_t n = parent->num_workers();
    for (size_t i = 1; i < n; ++i)
      if (auto* other = parent->worker_by_id((self->id() + i) % n); f(other)) return other;
    return nullptr;
  }

  // Wakes one idle worker other than `self`, if there is one.
  template <class Worker>
  void wake_idle(Worker* self) {
    if (auto* idle =
            find_other(self, [](Worker* w) { return d(w).idle.load(std::memory_order_relaxed); }))
      the_reactor->wake(reactor_of(idle));
  }

  // The oldest job of any other worker.
  template <class Worker>
  caf::resumable* steal(Worker* self) {
    caf::resumable* job = nullptr;
    find_other(self, [&](Worker* w) { return (job = d(w).queue.take_tail()) != nullptr; });
    return job;
  }
};

}  // namespace

void use_reactor_scheduler(caf::actor_system_config& cfg, net::asio_transport& transport) {
  the_reactor = &transport;
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<reactor_policy>(sys);
  });
}

}  // namespace gnatsd
