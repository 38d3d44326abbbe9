// What only the system account serves (`$SYS.REQ.SERVER.*`): the server's statistics
// (STATSZ, nats-server's ServerStats), and the endpoints of the features gnatsd does not have
// yet, answered as nats-server 2.9 answers them where the feature is off (LEAFZ, JSZ).
#pragma once

#include "monitor/monitor.hpp"

namespace gnatsd::monitor {

/// nats-server's ServerStats, without `active_servers` (the system service adds it).
response statsz(const server_view& s, const clock_view& c);
response jsz(const server_view& s, const clock_view& c);

}  // namespace gnatsd::monitor
