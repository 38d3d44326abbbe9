// RAII wrappers for Debian's libnats C client objects, for the end-to-end tests.
#pragma once

#include <nats/nats.h>

#include <memory>

namespace gnatsd::testing {

struct conn_deleter {
  void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
};
struct sub_deleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
struct msg_deleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
struct opts_deleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};
using conn_ptr = std::unique_ptr<natsConnection, conn_deleter>;
using sub_ptr = std::unique_ptr<natsSubscription, sub_deleter>;
using msg_ptr = std::unique_ptr<natsMsg, msg_deleter>;
using opts_ptr = std::unique_ptr<natsOptions, opts_deleter>;

}  // namespace gnatsd::testing
