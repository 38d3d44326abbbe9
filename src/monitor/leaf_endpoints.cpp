#include "monitor/leaf_endpoints.hpp"

#include "config/nats_url.hpp"
#include "monitor/account_endpoints.hpp"

namespace gnatsd::monitor {
namespace {

using json = nlohmann::ordered_json;

bool flag(const std::map<std::string, std::string>& q, const char* key) {
  const auto it = q.find(key);
  return it != q.end() && (it->second == "1" || it->second == "true");
}

json leaf_json(const leaf_view& l, bool with_subs) {
  const auto& st = *l.stats;
  json e;
  e["account"] = l.account;
  e["ip"] = l.ip;
  e["port"] = l.port;
  // nats-server's getRTT: whole microseconds below a millisecond.
  int64_t rtt = st.rtt_ns.load(std::memory_order_relaxed);
  if (rtt > 1000 && rtt < 1000000) rtt -= rtt % 1000;
  e["rtt"] = go_duration(rtt);
  e["in_msgs"] = st.in_msgs.load();
  e["out_msgs"] = st.out_msgs.load();
  e["in_bytes"] = st.in_bytes.load();
  e["out_bytes"] = st.out_bytes.load();
  e["subscriptions"] = st.subscription_count.load();
  if (with_subs) {
    json subs = json::array();
    std::lock_guard<std::mutex> guard{st.mutex};
    for (const auto& [key, subject] : st.subs)
      subs.push_back(subject);
    e["subscriptions_list"] = std::move(subs);
  }
  return e;
}

}  // namespace

response leafz(const server_view& s, const std::map<std::string, std::string>& q,
               const clock_view& c) {
  json j = header_json(s, c);
  const auto only = q.find("acc");
  json leafs = json::array();
  for (const auto& l : s.leafs) {
    if (only != q.end() && !only->second.empty() && l.account != only->second) continue;
    leafs.push_back(leaf_json(l, flag(q, "subs")));
  }
  j["leafnodes"] = leafs.size();
  if (leafs.empty()) {
    j["leafs"] = nullptr;
  } else {
    j["leafs"] = std::move(leafs);
  }
  return {200, j.dump(2)};
}

json leaf_varz(const server_options& o) {
  const auto& l = o.leafnodes;
  json j = json::object();
  if (l.port != 0) {
    j["host"] = l.host.empty() ? "0.0.0.0" : l.host;
    j["port"] = l.port;
    j["auth_timeout"] =
        std::chrono::duration<double>(l.auth_timeout > duration::zero() ? l.auth_timeout
                                                                        : o.authorization.timeout)
            .count();
    j["tls_timeout"] = std::chrono::duration<double>(l.tls.timeout).count();
    if (l.tls.enabled) j["tls_required"] = true;
    if (l.tls.enabled && l.tls.verify) j["tls_verify"] = true;
  }
  if (!l.remotes.empty()) {
    json remotes = json::array();
    for (const auto& r : l.remotes) {
      json e;
      e["local_account"] = r.account.empty() ? "$G" : r.account;
      json urls = json::array();
      for (const auto& u : r.urls) {
        nats_url parsed;
        urls.push_back(parse_nats_url(u, parsed) ? parsed.host_port() : redacted_url(u));
      }
      e["urls"] = std::move(urls);
      remotes.push_back(std::move(e));
    }
    j["remotes"] = std::move(remotes);
  }
  return j;
}

}  // namespace gnatsd::monitor
