// The interest actor: one per server. Sessions insert into and match against the shared
// sublist directly (no message on the publish path); they report each local interest change
// here, in the order the changes happened on that session. This actor keeps the aggregated
// local interest per (subject, queue) - nats-server's `acc.rm` - whose 0->1 and 1->0
// transitions and queue weight changes are what every registered route is told with
// RS+/RS-, in the order they happened (this actor is their only sender).
#pragma once

#include "actors/messages.hpp"
#include "server/server_context.hpp"

namespace gnatsd {

/// (The context is a real argument, and also keeps CAF 0.17's spawn away from an empty
/// argument tuple, which it dereferences as a null pointer: a UBSan report in CAF's header.)
interest_actor spawn_interest_actor(caf::actor_system& sys, server_context_ptr context);

}  // namespace gnatsd
