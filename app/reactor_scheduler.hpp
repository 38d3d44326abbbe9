// CAF's scheduler with the Asio reactor run by the actor workers themselves: an idle worker
// waits in the reactor (epoll) instead of on a condition variable, so the thread the kernel
// wakes for a socket runs the socket's handler and then, on the same thread and without a
// hand-off, the actor the handler sent to. docs/ARCHITECTURE.md ("Latency") has the
// measurements that asked for it.
#pragma once

namespace caf {
class actor_system_config;
}

namespace gnatsd {

namespace net {
class asio_transport;
}

/// Makes the actor system built from `cfg` schedule its actors on workers that run
/// `transport`'s reactor when they have nothing else to do. `transport` must outlive the
/// actor system.
void use_reactor_scheduler(caf::actor_system_config& cfg, net::asio_transport& transport);

}  // namespace gnatsd
