// Helpers shared by the end-to-end test files: a libnats connection to a server process,
// synchronous subscriptions, and servers on loopback with a config file written by the test.
#pragma once

#include <gtest/gtest.h>
#include <nats/nats.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "nats_client.hpp"
#include "server_process.hpp"

namespace gnatsd::testing {

inline conn_ptr connect(const server_process& s) {
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_ConnectTo(&nc, s.url().c_str());
  EXPECT_EQ(st, NATS_OK) << natsStatus_GetText(st);
  return conn_ptr{nc};
}

inline sub_ptr subscribe(natsConnection* nc, const char* subject, const char* queue = nullptr) {
  natsSubscription* sub = nullptr;
  const natsStatus st = queue ? natsConnection_QueueSubscribeSync(&sub, nc, subject, queue)
                              : natsConnection_SubscribeSync(&sub, nc, subject);
  EXPECT_EQ(st, NATS_OK) << natsStatus_GetText(st);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  return sub_ptr{sub};
}

inline msg_ptr next(natsSubscription* sub, int64_t timeout_ms = 5000) {
  natsMsg* m = nullptr;
  natsSubscription_NextMsg(&m, sub, timeout_ms);
  return msg_ptr{m};
}

inline std::string data_of(const msg_ptr& m) {
  return std::string{natsMsg_GetData(m.get()), static_cast<size_t>(natsMsg_GetDataLength(m.get()))};
}

inline std::vector<std::string> local_args(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"-a", "127.0.0.1", "-p", "-1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

inline std::string write_config(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream{path} << text;
  return path;
}

}  // namespace gnatsd::testing
