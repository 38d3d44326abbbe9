// What the session fuzz targets of server-to-server ports (route authentication, gateway,
// leafnode) check of a peer's transcript: how often a payload was delivered, and that a peer
// that has not logged in read nothing but the refusal.
#pragma once

#include <cstddef>
#include <string>

namespace gnatsd::fuzz {

/// The payload the targets' publisher sends; a peer that is not logged in must never read it.
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
    return false;
  }
  return true;
}

}  // namespace gnatsd::fuzz
