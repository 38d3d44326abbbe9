// Records route parser callbacks as strings, so that two parses can be compared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/route_parser.hpp"

namespace gnatsd::fuzz {

class route_recorder final : public gnatsd::proto::route_op_handler {
 public:
  std::vector<std::string> ops;
  bool on_info(std::string_view j) override { return add("I", j); }
  bool on_connect(std::string_view j) override { return add("C", j); }
  bool on_ping() override { return add("PING", {}); }
  bool on_pong() override { return add("PONG", {}); }
  bool on_err(std::string_view t) override { return add("E", t); }
  bool on_remote_sub(std::string_view a, std::string_view s, std::string_view q,
                     int32_t w) override {
    return add("S", std::string{a} + "|" + std::string{s} + "|" + std::string{q} + "|" +
                        std::to_string(w));
  }
  bool on_remote_unsub(std::string_view a, std::string_view s, std::string_view q) override {
    return add("U", std::string{a} + "|" + std::string{s} + "|" + std::string{q});
  }
  bool on_routed_message(const gnatsd::proto::routed_message& m) override {
    std::string line = std::string{m.account} + "|" + std::string{m.subject} + "|" +
                       std::string{m.reply} + "|" + std::to_string(m.header_size) + "|";
    for (auto q : *m.queues)
      line += std::string{q} + ",";
    return add(m.has_headers ? "H" : "R", line + "|" + std::string{m.message});
  }

 private:
  bool add(const char* op, std::string_view arg) {
    ops.push_back(std::string{op} + " " + std::string{arg});
    return true;
  }
};

}  // namespace gnatsd::fuzz
