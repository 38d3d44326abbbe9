// The limits a config reload may change while clients stay connected (nats-server 2.9
// reloads them too). Each connection keeps its own copy and takes the new one when the
// server tells it about a reload, so the hot path reads plain fields.
#pragma once

#include <cstdint>

#include "config/options.hpp"

namespace gnatsd {

struct connection_limits {
  int64_t max_payload = 0;
  int64_t max_control_line = 0;
  int64_t max_pending = 0;
  int max_subscriptions = 0;  // 0: unlimited
  int max_connections = 0;
  duration ping_interval{};
  int ping_max = 0;
  duration write_deadline{};
};

inline connection_limits limits_of(const server_options& o) {
  return connection_limits{o.max_payload,       o.max_control_line, o.max_pending,
                           o.max_subscriptions, o.max_connections,  o.ping_interval,
                           o.ping_max,          o.write_deadline};
}

}  // namespace gnatsd
