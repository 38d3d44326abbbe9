// Records each client protocol operation the parser reports as one line of text, so that two
// parses can be compared (used by the parser unit tests and the differential fuzz target).
#pragma once

#include <string>
#include <vector>

#include "proto/protocol_parser.hpp"

namespace gnatsd::testing {

class op_recorder final : public proto::client_op_handler {
 public:
  std::vector<std::string> ops;
  bool stop_on_ping = false;

  bool on_connect(std::string_view json) override {
    ops.push_back("CONNECT " + std::string{json});
    return true;
  }
  bool on_pub(std::string_view s, std::string_view r, std::string_view p) override {
    ops.push_back("PUB " + std::string{s} + "|" + std::string{r} + "|" + std::string{p});
    return true;
  }
  bool on_hpub(std::string_view s, std::string_view r, size_t h, std::string_view m) override {
    ops.push_back("HPUB " + std::string{s} + "|" + std::string{r} + "|" + std::to_string(h) + "|" +
                  std::string{m});
    return true;
  }
  bool on_sub(std::string_view s, std::string_view q, std::string_view sid) override {
    ops.push_back("SUB " + std::string{s} + "|" + std::string{q} + "|" + std::string{sid});
    return true;
  }
  bool on_unsub(std::string_view sid, std::string_view max) override {
    ops.push_back("UNSUB " + std::string{sid} + "|" + std::string{max});
    return true;
  }
  bool on_ping() override {
    ops.push_back("PING");
    return !stop_on_ping;
  }
  bool on_pong() override {
    ops.push_back("PONG");
    return true;
  }
};

}  // namespace gnatsd::testing
