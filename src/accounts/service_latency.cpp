#include "accounts/service_latency.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "util/short_hash.hpp"
#include "util/text.hpp"

namespace gnatsd {
namespace {

using header_map = std::map<std::string, std::vector<std::string>>;

// Go's textproto canonical form: "x-b3-traceid" -> "X-B3-Traceid".
std::string canonical(std::string_view key) {
  std::string out{key};
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

// The header section's fields ("NATS/1.0\r\nKey: value\r\n...\r\n"), the status line skipped.
header_map parse_headers(std::string_view block) {
  header_map out;
  auto end = block.find("\r\n");
  while (end != std::string_view::npos) {
    block.remove_prefix(end + 2);
    end = block.find("\r\n");
    const std::string_view line = block.substr(0, end);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    out[canonical(text::trim(line.substr(0, colon)))].emplace_back(
        text::trim(line.substr(colon + 1)));
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Jaeger's "trace:span:parent:flags": sampled when the flags' lowest bit is set.
bool uber_sampled(const std::string& id) {
  const auto tk = text::split(id, ':');
  if (tk.size() != 4 || tk[3].empty() || tk[3].size() > 2) return false;
  const int low = hex_value(tk[3].back());
  const int high = tk[3].size() == 2 ? hex_value(tk[3][0]) : 0;
  return low >= 0 && high >= 0 && (low & 1) == 1;
}

std::string headers_json(const header_map& all, const std::vector<std::string>& keys,
                         const std::string& prefix = {}) {
  nlohmann::json j = nlohmann::json::object();  // sorted keys, as Go marshals a map
  for (const auto& [key, values] : all)
    if (std::find(keys.begin(), keys.end(), key) != keys.end() ||
        (!prefix.empty() && key.compare(0, prefix.size(), prefix) == 0))
      j[key] = values;
  return j.dump();
}

// The trace headers nats-server honours, in its order: Jaeger, B3 (multi, then single
// header), W3C trace context.
bool sampled_by_headers(const header_map& h, std::string& trace_headers) {
  static const std::vector<std::string> b3_keys{"X-B3-Sampled", "X-B3-Traceid", "X-B3-Parentspanid",
                                                "X-B3-Spanid"};
  const auto has = [&](const char* key) { return h.count(key) != 0 && !h.at(key).empty(); };
  if (has("Uber-Trace-Id")) {
    if (!uber_sampled(h.at("Uber-Trace-Id")[0])) return false;
    trace_headers = headers_json(h, {"Uber-Trace-Id"}, "Uberctx-");
    return true;
  }
  if (has("X-B3-Sampled") && h.at("X-B3-Sampled")[0] == "0") return false;
  if ((has("X-B3-Sampled") && h.at("X-B3-Sampled")[0] == "1") || h.count("X-B3-Traceid") != 0) {
    trace_headers = headers_json(h, b3_keys);
    return true;
  }
  if (has("B3")) {
    const auto tk = text::split(h.at("B3")[0], '-');
    if ((tk.size() > 2 && tk[2] == "0") || (tk.size() == 1 && tk[0] == "0")) return false;
    trace_headers = headers_json(h, {"B3"});
    return true;
  }
  if (has("Traceparent")) {
    const auto tk = text::split(h.at("Traceparent")[0], '-');
    if (tk.size() != 4 || tk[3] != "01") return false;
    trace_headers = headers_json(h, {"Traceparent", "Tracestate"});
    return true;
  }
  return false;
}

}  // namespace

bool should_sample(const latency_tracking& l, int roll, std::string_view headers,
                   std::string& trace_headers) {
  if (l.sampling >= 100) return true;
  // nats-server draws from [0, 100) and samples on `<=`: a sampling of n takes n+1 in 100.
  if (l.sampling > 0 && roll <= l.sampling) return true;
  if (headers.empty()) return false;
  return sampled_by_headers(parse_headers(headers), trace_headers);
}

bool is_tracked_reply(std::string_view reply) {
  const size_t n = reply.size();
  return n > 4 && reply[n - 2] == '.' && reply[n - 1] == 'T';
}

std::string_view tracked_reply_hash(std::string_view reply) {
  if (!is_tracked_reply(reply)) return {};
  reply.remove_suffix(2);
  const auto dot = reply.rfind('.');
  return dot == std::string_view::npos ? reply : reply.substr(dot + 1);
}

std::string server_hash(const std::string& server_name) {
  return short_hash(server_name, 8);
}

}  // namespace gnatsd
