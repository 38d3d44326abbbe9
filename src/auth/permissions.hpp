// Publish and subscribe permissions of a user, evaluated as nats-server 2.9.10 does
// (client.go canSubscribe / pubAllowed):
// - publish: allowed if there is no allow list or a pattern of it matches the subject, and
//   no deny pattern matches it;
// - subscribe: an entry may name a queue ("jobs.* workers"); an entry without one allows or
//   denies plain and queue subscriptions alike, but when queue entries match the subject,
//   a queue subscription is decided by whether its queue matches one of them;
// - deny wins; a wildcard subscription that covers a denied subject is accepted, and
//   messages on the denied subjects are filtered out at delivery.
// Subscription subjects are matched token by token, wildcards in them taken literally (so
// "foo.*" is allowed by "foo.*" or "foo.>", not by "foo.bar").
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gnatsd {

/// One side (publish or subscribe) of a permission set as configured.
struct subject_rules {
  bool has_allow = false;  // an allow list was given (even an empty one: nothing allowed)
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  bool operator==(const subject_rules& o) const {
    return has_allow == o.has_allow && allow == o.allow && deny == o.deny;
  }
};

/// allow_responses: a client may publish to the reply subject of each message it received,
/// `max_msgs` times (negative: any number) within `expires` (negative: ever), although its
/// publish permissions do not allow that subject.
struct response_permission {
  int64_t max_msgs = 1;
  std::chrono::nanoseconds expires = std::chrono::minutes{2};
};

struct permission_set {
  subject_rules publish;
  subject_rules subscribe;
  std::optional<response_permission> responses;
  /// Publish and subscribe rules alike (what a route's permissions consist of).
  bool same_rules(const permission_set& o) const {
    return publish == o.publish && subscribe == o.subscribe;
  }
};

/// Message subjects a subscription must not receive although it matches them.
using denied_subjects = std::vector<std::string>;

class permission_checker {
 public:
  explicit permission_checker(const permission_set& perms);

  bool can_publish(std::string_view subject) const;
  bool can_subscribe(std::string_view subject, std::string_view queue) const;
  /// For an allowed subscription: the deny patterns within its scope, whose messages must be
  /// filtered out at delivery; null when there are none (always for literal subjects).
  std::shared_ptr<const denied_subjects> delivery_filter(std::string_view subject) const;

 private:
  struct entry {
    std::string subject;
    std::string queue;  // subscribe entries only; empty: any
  };
  struct rules {
    bool has_allow = false;
    std::vector<entry> allow, deny;
    // Deny-only rules whose patterns all begin with a literal token: the first characters
    // of those tokens. A subject starting otherwise passes without a match (the common case
    // on leafnodes, whose rules deny JetStream's `$JS.API.>`, `$KV.>`, `$OBJ.>`).
    bool prefiltered = false;
    std::string deny_firsts;
    bool passes_at_once(std::string_view subject) const;
  };
  static rules compile(const subject_rules& r, bool with_queues);
  // Applies one list: whether it speaks for this subscription at all, and its verdict.
  static bool listed(const std::vector<entry>& list, std::string_view subject,
                     std::string_view queue);

  rules pub_, sub_;
};

/// True if `subject` (a message subject) is matched by any pattern of `denied`.
bool denied(const denied_subjects& denied, std::string_view subject);

}  // namespace gnatsd
