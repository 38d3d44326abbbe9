// The replies a service export waits for: when a request crosses a service import, its reply
// subject is replaced by a fresh one under this (exporting) account's reply prefix
// (`_R_.<6 chars>.`, as nats-server), remembered here with the importer's account and its
// original reply until the response comes back: once for a singleton export, until
// `threshold` passes for streamed and chunked ones. Bounded: beyond `capacity` the oldest
// routes are forgotten, so a requester that never gets answers cannot grow it without end.
//
// Publishers on any thread add and take routes, so every call takes the lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accounts/response_type.hpp"
#include "accounts/service_latency.hpp"

namespace gnatsd {

class account;
using duration = std::chrono::nanoseconds;

/// A request whose latency is measured (service_latency.hpp).
struct tracked_request {
  std::shared_ptr<const latency_tracking> latency;
  latency_party requester;
  std::string trace_headers;
  int64_t request_ns = 0;
};

/// The result of a measured request: 200 when answered (the caller adds the response), else
/// nats-server's failures: 400 no reply subject, 503 nobody received it, 504 no response
/// within the threshold.
latency_sample request_result(const std::string& exporter, const tracked_request& t, int status);

struct response_route {
  std::weak_ptr<account> importer;  // weak: accounts may import from each other
  std::string reply;                // the requester's reply subject, in the importer
  std::optional<tracked_request> tracked;
};

class service_responses {
 public:
  static constexpr size_t default_capacity = 65536;
  explicit service_responses(size_t capacity = default_capacity) : capacity_(capacity) {}

  void set_prefix(std::string prefix);
  std::string prefix() const;

  /// Remembers where the response to a request goes; returns the reply subject the
  /// exporter's responders answer on. A tracked request's reply carries the tracking mark
  /// with this server's hash (`.<hash>.T`).
  std::string add(std::weak_ptr<account> importer, std::string reply, response_type type,
                  duration now, duration threshold, std::optional<tracked_request> tracked = {},
                  std::string_view hash = {});
  /// The route of a response published on `subject`, if one is waiting (a singleton's is
  /// forgotten by this). Routes past their threshold at `now` are dropped first.
  std::optional<response_route> take(std::string_view subject, duration now);
  /// The measured requests whose threshold passed without a response, since the last call
  /// (at most `capacity` of them are kept until then).
  std::vector<response_route> take_timed_out(duration now);
  /// Forgets the route of a request nobody received, returning it.
  std::optional<response_route> forget(std::string_view subject);
  size_t size() const;

 private:
  struct entry {
    response_route route;
    response_type type;
    duration expires;
  };
  void expire(duration now);  // under the lock

  size_t capacity_;
  mutable std::mutex mutex_;
  std::string prefix_ = "_R_.000000.";
  uint64_t next_id_ = 0;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::pair<duration, std::string>> order_;  // (expires, reply), oldest first
  std::vector<response_route> timed_out_;
};

}  // namespace gnatsd
