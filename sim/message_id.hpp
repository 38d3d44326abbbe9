// The payload of every message a simulated client publishes: who published it, where, and
// in which order, so that a receiver (or a route tap) can tell exactly which publication it
// sees. Format: "m<id>:<origin server>:<publisher client>:<sequence>", optionally followed by
// "/" and padding (large payloads for floods).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace gnatsd::sim {

struct message_id {
  uint64_t id = 0;        // unique in the run
  int origin = 0;         // index of the server the publisher was connected to
  int publisher = 0;      // index of the publishing client
  uint64_t sequence = 0;  // the publisher's own count, from 1

  std::string encode() const {
    return "m" + std::to_string(id) + ":" + std::to_string(origin) + ":" +
           std::to_string(publisher) + ":" + std::to_string(sequence);
  }

  /// `encode()` padded with '/' and 'x' to `size` bytes (when longer).
  std::string encode_padded(size_t size) const {
    std::string s = encode();
    if (s.size() + 1 < size) s += "/" + std::string(size - s.size() - 1, 'x');
    return s;
  }

  /// False if `payload` is not a message id (a phantom or a corrupted payload).
  static bool decode(std::string_view payload, message_id& out) {
    if (const auto pad = payload.find('/'); pad != std::string_view::npos) {
      if (payload.find_first_not_of('x', pad + 1) != std::string_view::npos) return false;
      payload = payload.substr(0, pad);
    }
    if (payload.size() < 8 || payload.size() > 80 || payload[0] != 'm') return false;
    const std::string text{payload.substr(1)};
    unsigned long long id = 0, sequence = 0;
    int origin = 0, publisher = 0, used = 0;
    if (std::sscanf(text.c_str(), "%llu:%d:%d:%llu%n", &id, &origin, &publisher, &sequence,
                    &used) != 4 ||
        static_cast<size_t>(used) != text.size())
      return false;
    out = message_id{id, origin, publisher, sequence};
    return true;
  }
};

}  // namespace gnatsd::sim
