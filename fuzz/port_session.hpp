// The harness of the session fuzz targets of server-to-server ports (route authentication,
// gateway, leafnode): a server on the simulated network with a subscriber to everything and a
// publisher of a secret, and a peer at the port under test. The peer's input is sent in
// pieces, a secret published after each; then the run goes past the auth timeout and the
// server must still serve its clients: every published secret reaches the subscriber. The
// targets check what the peer read and what was delivered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "sim/world.hpp"
#include "util/assert.hpp"

namespace gnatsd::fuzz {

/// The payload the publisher sends; a peer that is not logged in must never read it.
inline constexpr const char* secret = "the-secret-payload";

/// Counts `needle` in `text`.
inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

/// What a peer that has not logged in may read: the server's INFO, a PING, and an -ERR (the
/// refusal, or nats-server's reply to bytes that are not even an operation) with the close.
inline bool only_refusals(const std::string& got) {
  size_t at = 0;
  for (size_t eol; (eol = got.find("\r\n", at)) != std::string::npos; at = eol + 2) {
    const std::string line = got.substr(at, eol - at);
    if ((at == 0 && line.rfind("INFO ", 0) == 0) || line == "PING" || line.rfind("-ERR '", 0) == 0)
      continue;
    std::fprintf(stderr, "peer read: %s\n", got.c_str());
    return false;
  }
  return true;
}

class port_session {
 public:
  /// Starts the server (`o`, at 10.0.0.1 on the simulated network), its subscriber and
  /// publisher, and connects the peer to `port`.
  port_session(uint8_t seed, const server_options& o, int port) : w_{seed} {
    auto& server = w_.start_server("10.0.0.1", o);
    subscriber_ = w_.connect(server);
    subscriber_->send("CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPING\r\n");
    GNATSD_ASSERT(w_.run_until(
        [&] { return subscriber_->received().find("PONG\r\n") != std::string::npos; }));
    publisher_ = w_.connect(server);
    publisher_->send("CONNECT {\"verbose\":false}\r\n");
    peer_ = w_.network().connect_client("10.0.0.1", port);
    GNATSD_ASSERT(peer_ != nullptr);
  }

  /// Sends `input` in pieces of `step` bytes, a secret published after each, runs past the
  /// auth timeout and publishes once more: every secret must reach the subscriber.
  void feed(const std::string& input, size_t step) {
    const std::string pub =
        "PUB secret.data " + std::to_string(std::string{secret}.size()) + "\r\n" + secret + "\r\n";
    for (size_t at = 0; at < input.size(); at += step) {
      peer_->send(input.substr(at, step));
      publisher_->send(pub);
      ++published_;
      w_.run_for(1'000'000);
    }
    w_.run_for(300'000'000);  // past the auth timeout
    publisher_->send(pub + "PING\r\n");
    ++published_;
    GNATSD_ASSERT(w_.run_until([&] {
      return count(subscriber_->received(), secret) >= published_ &&
             publisher_->received().find("PONG\r\n") != std::string::npos;
    }));
  }

  const std::string& peer_read() const { return peer_->received(); }
  /// How often `needle` stands in what the subscriber received.
  size_t delivered(const std::string& needle) const {
    return count(subscriber_->received(), needle);
  }
  size_t published() const { return published_; }

 private:
  sim::world w_;
  std::shared_ptr<sim::sim_client> subscriber_, publisher_, peer_;
  size_t published_ = 0;
};

}  // namespace gnatsd::fuzz
