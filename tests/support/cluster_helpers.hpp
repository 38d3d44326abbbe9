// Helpers shared by the end-to-end tests that run clusters: counting received messages,
// waiting for interest to cross routes, and waiting for a full mesh in the servers' logs.
#pragma once

#include <gtest/gtest.h>
#include <nats/nats.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "server_process.hpp"

namespace gnatsd::testing {

inline int drain(natsSubscription* sub, int64_t timeout_ms = 500) {
  int n = 0;
  for (;;) {
    natsMsg* m = nullptr;
    if (natsSubscription_NextMsg(&m, sub, timeout_ms) != NATS_OK) return n;
    natsMsg_Destroy(m);
    ++n;
  }
}

// Receives the `expected` messages, each within a generous deadline (a loaded machine under
// the sanitizers can take long), then counts any extra copies that arrive within the
// drain window.
inline int receive(natsSubscription* sub, int expected) {
  int n = 0;
  for (; n < expected; ++n) {
    natsMsg* m = nullptr;
    if (natsSubscription_NextMsg(&m, sub, 10'000) != NATS_OK) return n;
    natsMsg_Destroy(m);
  }
  return n + drain(sub);
}

// Interest reaches other servers asynchronously (as with nats-server): publish probes until
// one arrives, then drain the probes, so that the real test starts with interest in place.
inline void wait_for_interest(natsConnection* pub, natsSubscription* sub, const char* subject) {
  for (int i = 0; i < 100; ++i) {
    natsConnection_PublishString(pub, subject, "probe");
    natsConnection_FlushTimeout(pub, 5000);
    natsMsg* m = nullptr;
    if (natsSubscription_NextMsg(&m, sub, 100) == NATS_OK) {
      natsMsg_Destroy(m);
      drain(sub, 200);
      return;
    }
  }
  FAIL() << "interest in " << subject << " never reached the publisher's server";
}

// Publishes `count` messages on `pub` once the interest of `sub` has reached the publisher's
// server; returns how many `sub` received (duplicates included).
inline int publish_and_receive(natsConnection* pub, natsSubscription* sub, const char* subject,
                               int count) {
  wait_for_interest(pub, sub, subject);
  for (int i = 0; i < count; ++i)
    natsConnection_PublishString(pub, subject, "m");
  natsConnection_FlushTimeout(pub, 5000);
  return receive(sub, count);
}

// Whether every server has exactly one route to each of the others right now, as its
// /routez says (a route that registered and dropped again does not count, as it would in
// the log). Every server must run with a monitoring port (-m).
inline bool full_mesh(const std::vector<server_process*>& servers) {
  for (auto* s : servers) {
    const int http = s->http_port();
    if (http == 0) return false;
    const std::string routez = http_get(http, "/routez");
    const auto at = routez.find("\"num_routes\":");
    if (at == std::string::npos) return false;
    const long routes = std::strtol(routez.c_str() + at + 13, nullptr, 10);
    if (routes != static_cast<long>(servers.size()) - 1) return false;
  }
  return true;
}

// Waits (with a generous deadline) for full_mesh.
inline bool wait_mesh(const std::vector<server_process*>& servers) {
  for (int i = 0; i < 1000 && !full_mesh(servers); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  return full_mesh(servers);
}

}  // namespace gnatsd::testing
