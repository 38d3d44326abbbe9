// The parts of a cluster scenario's workload that exercise the client protocol beyond
// SUB/PUB: request/reply across routes (responders in queue group "workers" on svc.*,
// replies to each requester's inbox), and probes of the flush rule:
//
//   flush_sub:   X subscribes to a fresh subject and sends PING; when the PONG arrives,
//                another client Y of the same server publishes on it. The SUB is in force on
//                X's server for everything processed after the PONG, so X must get Y's
//                message exactly once (checked after the heal phase, if neither lost its
//                connection in between).
//   flush_unsub: X subscribes, unsubscribes and sends PING; once the PONG is there, clients
//                of X's server and of other servers publish on the subject. Nothing published
//                after that PONG may reach X (checked on every delivery, invariant_checker).
//
// The rest (headers, echo, auto-unsubscribe limits) is in the clients' options and the
// invariant checker.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/invariant_checker.hpp"
#include "sim/message_id.hpp"
#include "sim/workload_client.hpp"

namespace gnatsd::sim {

class protocol_workload {
 public:
  /// Publishes for `client` (a fresh message id, told to the checker); `header`: HPUB.
  using publish_fn = std::function<message_id(workload_client& client, const std::string& subject,
                                              const std::string& reply, bool header)>;
  /// Whether servers a and b can exchange messages now (the same server, or a route).
  using linked_fn = std::function<bool(int a, int b)>;

  protocol_workload(std::vector<std::shared_ptr<workload_client>>& clients,
                    invariant_checker& checker, publish_fn publish, linked_fn linked,
                    std::function<uint64_t()> last_message);

  /// Sets a client up: its inbox, and the responders' queue subscription.
  void start(workload_client& c, bool responder);
  void request(workload_client& c, const std::string& subject);
  void flush_sub(workload_client& c);
  void flush_unsub(workload_client& c);

  /// Calm: every client with a connection sends one request; call check_calm_requests once
  /// the replies had time to come.
  void calm_requests();
  void check_calm_requests();
  /// After the heal phase: every flush_sub probe whose clients kept their connections.
  void check_probes();

 private:
  struct sub_probe {
    int subscriber = 0, subscriber_epoch = 0;
    std::string sid;
    int publisher = 0, publisher_epoch = 0;
    uint64_t message = 0;
  };
  struct calm_request {
    int requester = 0;
    uint64_t message = 0;
  };

  void answer(workload_client& responder, const received_message& m);
  bool same_account(const workload_client& a, const workload_client& b) const;
  workload_client* neighbour(const workload_client& c) const;  // another client, same server
  std::string fresh_subject(const workload_client& c);

  std::vector<std::shared_ptr<workload_client>>& clients_;
  invariant_checker& checker_;
  publish_fn publish_;
  linked_fn linked_;
  std::function<uint64_t()> last_message_;
  std::vector<sub_probe> sub_probes_;
  std::vector<calm_request> calm_requests_;
  int probes_ = 0;
};

}  // namespace gnatsd::sim
