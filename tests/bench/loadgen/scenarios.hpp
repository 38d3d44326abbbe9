// The load generator's scenarios. Each prints its figures on stdout (lines compare.py reads)
// and throws if any count is off.
#pragma once

#include <string>

namespace loadgen {

struct config {
  std::string url = "127.0.0.1:4222";
  std::string sub_url;  // subscribers' server (another cluster member); default: url
  std::string scenario = "pubsub";
  std::string subject = "bench";  // pub and pubsub: several runs side by side stay apart
  long subjects = 1;              // pub: spread over this many subjects ("<subject>.<i>" when > 1)
  std::string latencies_file;     // reqrep: every round trip (us), one per line, if set
  long msgs = 1'000'000;
  size_t size = 16;
  long window = 10'000;
  int subs = 1;               // pubsub: subscriber connections
  std::string queue;          // pubsub: queue group of the subscribers ("" = plain fan-out)
  int conns = 10'000;         // conns: idle clients; subs: connections holding subscriptions
  int subs_per_conn = 1'000;  // subs: subscriptions per connection
  int server_pid = 0;         // for resident-memory figures
  // Hostile-peer scenarios (hostile.cpp).
  std::string route_url;  // stuck-route: the server's cluster port
  std::string route_user, route_pass;
  int http_port = 0;  // stuck-route: monitoring port, for the route's pending bytes
  double seconds = 10;
  long rate = 5000;  // slow-consumer: messages per second the publisher asks for
};

void run_pub(const config& cfg);
void run_pubsub(const config& cfg);
void run_reqrep(const config& cfg);
void run_idle_conns(const config& cfg);
void run_many_subs(const config& cfg);
void run_stuck_route(const config& cfg);
void run_slow_consumer(const config& cfg);
void run_churn(const config& cfg);

}  // namespace loadgen
