// Live statistics of one connection, shared between the connection's actor (which writes
// them, once per read buffer) and the server actor (which reads them for /connz and
// /routez). Counters are atomics; the few strings are guarded by a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gnatsd {

struct connection_stats {
  std::atomic<uint64_t> in_msgs{0}, in_bytes{0}, out_msgs{0}, out_bytes{0};
  std::atomic<uint64_t> pending_bytes{0};
  std::atomic<uint64_t> subscription_count{0};
  // Actor-clock (steady) times in nanoseconds; the HTTP layer maps them to wall time.
  std::atomic<int64_t> start_steady_ns{0};
  std::atomic<int64_t> last_activity_steady_ns{0};
  std::atomic<int64_t> stop_steady_ns{0};  // 0 while open
  /// Round-trip time as nats-server estimates it: from the accept to the CONNECT, then from
  /// each server PING to its PONG (0: not measured yet).
  std::atomic<int64_t> rtt_ns{0};

  mutable std::mutex mutex;
  std::string name, lang, version;          // from CONNECT
  std::string tls_version, tls_cipher;      // after a TLS handshake
  std::string account, user;                // after CONNECT authenticated it
  std::string host;                         // the client's address
  std::map<std::string, std::string> subs;  // sid -> subject (with " queue" when grouped)
};

using connection_stats_ptr = std::shared_ptr<connection_stats>;

}  // namespace gnatsd
