// gnatsd-loadgen: a raw-protocol NATS load generator, so that gnatsd and nats-server are
// measured with exactly the same client. Blocking sockets, one thread per subscriber (epoll
// for many), message counts checked exactly.
//
//   --scenario pub       1 publisher, no subscriber
//   --scenario pubsub    1 publisher -> --subs N subscribers (fan-out), or a --queue group of
//                        them; --sub-url puts the subscribers on another cluster member
//   --scenario reqrep    request/reply round trips one at a time: latency percentiles
//                        (--latencies FILE: every round trip in us, for a histogram)
//   --scenario conns     --conns N idle clients (memory per connection), then a 1:1 run
//   --scenario subs      --conns C x --subs-per-conn M subscriptions (memory per
//                        subscription), then publishing to one of them and to 100,000 of them
//   --scenario stuck-route  a route peer (--route-url, --route-user/--route-pass) that asks
//                        for every subject and stops reading, a publisher at full speed for
//                        --seconds: what it got through, the server's peak RSS, the route's
//                        pending bytes (--http-port) and whether the server closed the route
//   --scenario slow-consumer  --subs healthy subscribers and one that stops reading; a
//                        publisher at --rate msgs/s for --seconds: rates and when it was cut
//   --scenario churn     --msgs cycles of connect, INFO, CONNECT, PING/PONG, close (--subs at
//                        a time); the server's RSS around it
// Common: --url, --msgs, --size, --window, --server-pid (resident memory from /proc);
// --subject for pub and pubsub (default `bench`: runs side by side use distinct ones);
// --subjects N for pub: spread over N subjects ("<subject>.<i>").
// URLs may carry credentials, "user:pass@host:port"; "%d" in --sub-url is replaced by each
// subscriber's number (subscribers logging in to different accounts). reqrep puts its
// responder on --sub-url.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "scenarios.hpp"

namespace {

loadgen::config parse(int argc, char** argv) {
  loadgen::config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    const long n = std::atol(v.c_str());
    if (k == "--url")
      c.url = v;
    else if (k == "--sub-url")
      c.sub_url = v;
    else if (k == "--scenario")
      c.scenario = v;
    else if (k == "--subjects")
      c.subjects = n;
    else if (k == "--subject")
      c.subject = v;
    else if (k == "--latencies")
      c.latencies_file = v;
    else if (k == "--msgs")
      c.msgs = n;
    else if (k == "--size")
      c.size = static_cast<size_t>(n);
    else if (k == "--window")
      c.window = n;
    else if (k == "--subs")
      c.subs = static_cast<int>(n);
    else if (k == "--queue")
      c.queue = v;
    else if (k == "--conns")
      c.conns = static_cast<int>(n);
    else if (k == "--subs-per-conn")
      c.subs_per_conn = static_cast<int>(n);
    else if (k == "--server-pid")
      c.server_pid = static_cast<int>(n);
    else if (k == "--route-url")
      c.route_url = v;
    else if (k == "--route-user")
      c.route_user = v;
    else if (k == "--route-pass")
      c.route_pass = v;
    else if (k == "--http-port")
      c.http_port = static_cast<int>(n);
    else if (k == "--seconds")
      c.seconds = std::atof(v.c_str());
    else if (k == "--rate")
      c.rate = n;
    else
      throw std::runtime_error("unknown option " + k);
  }
  if (argc % 2 == 0) throw std::runtime_error("option without a value");
  if (c.sub_url.empty()) c.sub_url = c.url;
  if (c.msgs <= 0 || c.window <= 0 || c.subs <= 0 || c.conns <= 0 || c.subs_per_conn <= 0)
    throw std::runtime_error("counts must be positive");
  return c;
}

}  // namespace

int main(int argc, char** argv) try {
  const loadgen::config cfg = parse(argc, argv);
  if (cfg.scenario == "pub")
    loadgen::run_pub(cfg);
  else if (cfg.scenario == "pubsub")
    loadgen::run_pubsub(cfg);
  else if (cfg.scenario == "reqrep")
    loadgen::run_reqrep(cfg);
  else if (cfg.scenario == "conns")
    loadgen::run_idle_conns(cfg);
  else if (cfg.scenario == "subs")
    loadgen::run_many_subs(cfg);
  else if (cfg.scenario == "stuck-route")
    loadgen::run_stuck_route(cfg);
  else if (cfg.scenario == "slow-consumer")
    loadgen::run_slow_consumer(cfg);
  else if (cfg.scenario == "churn")
    loadgen::run_churn(cfg);
  else
    throw std::runtime_error("unknown scenario " + cfg.scenario);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "loadgen: %s\n", e.what());
  return 2;
}
