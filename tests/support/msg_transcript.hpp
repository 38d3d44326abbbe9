// Reading what a raw client received as messages, and comparing JSON by its shape: shared by
// the end-to-end tests that run one transcript on gnatsd and on nats-server.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server_process.hpp"

namespace gnatsd::testing {

struct message {
  std::string subject;
  std::string payload;
};

// Every MSG in what a client received, in order.
inline std::vector<message> messages(const std::string& got) {
  std::vector<message> out;
  size_t at = got.find("MSG ");
  while (at != std::string::npos) {
    const auto eol = got.find("\r\n", at);
    if (eol == std::string::npos) break;
    std::vector<std::string> args;
    std::string line = got.substr(at + 4, eol - at - 4), word;
    for (std::istringstream in{line}; in >> word;)
      args.push_back(word);
    const size_t size = std::stoul(args.back());
    if (got.size() < eol + 2 + size + 2) break;
    out.push_back({args[0], got.substr(eol + 2, size)});
    at = got.find("MSG ", eol + 2 + size + 2);
  }
  return out;
}

// Reads until `c` received `n` messages in all, or the deadline passes; returns them all.
inline std::vector<message> wait_messages(raw_client& c, size_t n,
                                          std::chrono::milliseconds deadline = std::chrono::seconds{
                                              5}) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (messages(c.received()).size() < n && std::chrono::steady_clock::now() < until)
    c.read_some(50);
  return messages(c.received());
}

// A JSON value's shape: its keys, recursively for objects (arrays by their first element),
// the values left out.
inline nlohmann::json shape(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : j.items())
      out[k] = shape(v);
    return out;
  }
  if (j.is_array())
    return j.empty() ? nlohmann::json::array() : nlohmann::json::array({shape(j[0])});
  return nullptr;
}

}  // namespace gnatsd::testing
