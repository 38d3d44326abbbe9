// Service latency tracking (`latency` on a service export), as nats-server 2.9 does it: a
// sample of the requests that cross a service import is measured from the request's arrival
// to its response, and the result (nats-server's ServiceLatency JSON) is published on the
// export's latency subject in the exporting account.
//
// Who measures what:
// - The requester's server decides to sample (a percentage, or the request's trace headers),
//   marks the reply subject it gives the exporter as tracked (`.<server hash>.T` appended,
//   nats-server's form) and remembers the request with its reply route
//   (service_responses.hpp).
// - When the response comes back from a client of the same server, that server has both
//   halves and reports the result.
// - When the responder is on another server, that server saw the tracked reply arrive on a
//   route: it times its responder and sends its half ("M2") to
//   `$SYS.LATENCY.M2.<requester server's hash>`; the requester's server merges it with its
//   own half, whichever comes first.
//
// Connections hand the measurements to the server's system service (server_context's
// latency sink), which renders and publishes them: the hot path never builds JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "monitor/connection_stats.hpp"

namespace gnatsd {

/// An export's `latency`: shared by every import of it.
struct latency_tracking {
  int sampling = 100;  // percent; 0: requests whose trace headers ask for it
  std::string subject;
};

/// A client on one side of a measured request.
struct latency_party {
  uint64_t cid = 0;
  connection_stats_ptr stats;
  bool detailed = false;  // all its details, or its account and RTT only (import `share`)
};

/// What a connection measured, for the system service to publish.
struct latency_sample {
  enum class kind {
    result,      // both halves are here: publish on the latency subject
    local_half,  // the response came from another server: wait for its M2
    remote_half  // this server timed the responder of a request from another server: send M2
  };
  kind what = kind::result;
  std::string account;  // the exporter: the result is published in it
  std::string subject;  // the latency subject (result, local half)
  std::string reply;    // the tracked reply subject (halves)
  int status = 200;
  std::string error;  // with a status other than 200
  std::optional<latency_party> requester, responder;
  std::string trace_headers;  // JSON object of the headers that asked for the sample
  int64_t request_ns = 0;     // actor clock: the request arrived
  int64_t response_ns = 0;    // actor clock: its response arrived (0: none)
};

using latency_sink = std::function<void(latency_sample)>;

/// Whether a request is sampled. `roll` is a number in [0, 100) drawn for it; `headers` is
/// the request's header section (empty without). When the trace headers decide, the ones
/// that did are returned as a JSON object in `trace_headers`.
bool should_sample(const latency_tracking& l, int roll, std::string_view headers,
                   std::string& trace_headers);

/// Whether a reply subject carries the tracking mark (`.T` at its end).
bool is_tracked_reply(std::string_view reply);
/// The server hash in a tracked reply: the token before `.T`.
std::string_view tracked_reply_hash(std::string_view reply);

/// nats-server's short server hash (SHA-256 of the server name, base64url, 8 characters):
/// the token of `$SYS.LATENCY.M2.<hash>` and of tracked replies.
std::string server_hash(const std::string& server_name);

}  // namespace gnatsd
