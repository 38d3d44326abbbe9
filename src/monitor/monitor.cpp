#include "monitor/monitor.hpp"
#include "proto/identity.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "config/nats_url.hpp"
#include "monitor/account_endpoints.hpp"
#include "monitor/gateway_endpoints.hpp"
#include "monitor/leaf_endpoints.hpp"
#include "monitor/system_endpoints.hpp"

namespace gnatsd::monitor {

// RFC 3339 with nanoseconds, in UTC, as Go marshals time.Time (RFC3339Nano: trailing zeros
// of the fraction dropped, and the fraction with them when it is zero).
std::string rfc3339(int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ns % 1000000000));
  std::string out = buf;
  while (out.back() == '0')
    out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out + "Z";
}

namespace {

// Go's fmtFrac: the last `prec` digits of `v` as a fraction without trailing zeros (empty
// when all are zero); returns what is left of `v`.
uint64_t split_fraction(uint64_t v, int prec, std::string& fraction) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i, v /= 10) {
    const char d = static_cast<char>('0' + v % 10);
    print = print || d != '0';
    if (print) digits.insert(digits.begin(), d);
  }
  fraction = print ? "." + digits : "";
  return v;
}

}  // namespace

std::string go_duration(int64_t ns) {
  if (ns == 0) return "0s";
  const std::string sign = ns < 0 ? "-" : "";
  const uint64_t u = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string fraction;
  if (u < 1'000) return sign + std::to_string(u) + "ns";
  if (u < 1'000'000) {
    const uint64_t whole = split_fraction(u, 3, fraction);
    return sign + std::to_string(whole) + fraction + "\xc2\xb5s";
  }
  if (u < 1'000'000'000) {
    const uint64_t whole = split_fraction(u, 6, fraction);
    return sign + std::to_string(whole) + fraction + "ms";
  }
  const uint64_t seconds = split_fraction(u, 9, fraction);
  std::string out = std::to_string(seconds % 60) + fraction + "s";
  if (const uint64_t minutes = seconds / 60; minutes > 0) {
    out = std::to_string(minutes % 60) + "m" + out;
    if (const uint64_t hours = minutes / 60; hours > 0) out = std::to_string(hours) + "h" + out;
  }
  return sign + out;
}

namespace {

using json = nlohmann::ordered_json;

// The configured routes as /varz lists them: host:port only, as nats-server does. The URLs
// may carry credentials, and the monitoring port asks for none.
std::vector<std::string> route_hosts(const std::vector<std::string>& routes) {
  std::vector<std::string> out;
  for (const auto& r : routes) {
    nats_url url;
    if (parse_nats_url(r, url)) out.push_back(url.host_port());
  }
  return out;
}

// Go's uptime format: "1d2h3m4s" without the sub-second part.
std::string uptime(int64_t ns) {
  int64_t s = ns / 1000000000;
  const int64_t d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60;
  s %= 60;
  std::string out;
  if (d > 0) out += std::to_string(d) + "d";
  if (d > 0 || h > 0) out += std::to_string(h) + "h";
  if (d > 0 || h > 0 || m > 0) out += std::to_string(m) + "m";
  return out + std::to_string(s) + "s";
}

int64_t to_int(const std::map<std::string, std::string>& q, const std::string& key, int64_t def) {
  const auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return def;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return def;
  }
}

response varz(const server_view& s, const clock_view& c) {
  const auto& o = *s.options;
  json j;
  j["server_id"] = s.server_id;
  j["server_name"] = s.server_name;
  j["version"] = s.version;
  j["proto"] = 1;
  j["go"] = go_version;
  j["host"] = o.host;
  j["port"] = o.port;
  j["max_connections"] = o.max_connections;
  j["ping_interval"] = o.ping_interval.count();
  j["ping_max"] = o.ping_max;
  j["http_host"] = o.http_host.empty() ? o.host : o.http_host;
  j["http_port"] = o.http_port;
  j["http_base_path"] = o.http_base_path;
  j["https_port"] = o.https_port;
  j["auth_timeout"] = std::chrono::duration<double>(o.authorization.timeout).count();
  j["max_control_line"] = o.max_control_line;
  j["max_payload"] = o.max_payload;
  j["max_pending"] = o.max_pending;
  if (o.tls.enabled) j["tls_required"] = true;
  if (o.tls.enabled && o.tls.verify) j["tls_verify"] = true;
  j["cluster"] = {
      {"name", s.cluster_name},
      {"addr", o.cluster.host},
      {"cluster_port", o.cluster.port},
      {"auth_timeout", std::chrono::duration<double>(o.cluster.authorization.timeout).count()},
      {"urls", route_hosts(o.cluster.routes)}};
  if (o.cluster.tls.enabled) {
    j["cluster"]["tls_timeout"] = std::chrono::duration<double>(o.cluster.tls.timeout).count();
    j["cluster"]["tls_required"] = true;
    j["cluster"]["tls_verify"] = true;
  }
  j["gateway"] = gateway_varz(o);
  j["leaf"] = leaf_varz(o);
  j["mqtt"] = json::object();
  j["websocket"] = json::object();
  j["jetstream"] = json::object();
  j["tls_timeout"] = std::chrono::duration<double>(o.tls.timeout).count();
  j["write_deadline"] = o.write_deadline.count();
  j["start"] = rfc3339(c.start_ns);
  j["now"] = rfc3339(c.now_ns);
  j["uptime"] = uptime(c.now_ns - c.start_ns);
  j["mem"] = c.rss_bytes;
  j["cores"] = c.cores;
  j["gomaxprocs"] = c.cores;
  j["cpu"] = c.cpu_percent;
  j["connections"] = s.connections.size();
  j["total_connections"] = s.total_connections;
  j["routes"] = s.routes.size();
  j["remotes"] = s.routes.size();
  j["leafnodes"] = s.leafs.size();
  j["in_msgs"] = s.in_msgs;
  j["out_msgs"] = s.out_msgs;
  j["in_bytes"] = s.in_bytes;
  j["out_bytes"] = s.out_bytes;
  j["slow_consumers"] = s.slow_consumers;
  j["subscriptions"] = s.subs.subscriptions;
  j["http_req_stats"] = json::object();
  j["config_load_time"] = rfc3339(c.start_ns);
  if (!s.connect_urls.empty()) j["connect_urls"] = s.connect_urls;
  return {200, j.dump(2)};
}

json subscriptions_list(const connection_stats& st) {
  std::lock_guard<std::mutex> guard{st.mutex};
  json list = json::array();
  for (const auto& [sid, subject] : st.subs)
    list.push_back(subject);
  return list;
}

response connz(const server_view& s, const std::map<std::string, std::string>& q,
               const clock_view& c) {
  const std::string state = q.count("state") ? q.at("state") : "open";
  const std::string sort = q.count("sort") ? q.at("sort") : "cid";
  if ((sort == "stop" || sort == "reason") && state != "closed")
    return {400, "{\"error\":\"sort by " + sort + " only valid on closed connections\"}"};
  std::vector<connection_view> conns;
  if (state == "open" || state == "any") conns = s.connections;
  if (state == "closed" || state == "any")
    conns.insert(conns.end(), s.closed.begin(), s.closed.end());
  // ?acc=NAME: only the clients logged in to that account, as nats-server.
  if (q.count("acc") != 0 && !q.at("acc").empty()) {
    const std::string& acc = q.at("acc");
    conns.erase(std::remove_if(conns.begin(), conns.end(),
                               [&](const connection_view& v) {
                                 std::lock_guard<std::mutex> guard{v.stats->mutex};
                                 return v.stats->account != acc;
                               }),
                conns.end());
  }
  if (const int64_t cid = to_int(q, "cid", 0); cid > 0)
    conns.erase(std::remove_if(
                    conns.begin(), conns.end(),
                    [&](const connection_view& v) { return v.cid != static_cast<uint64_t>(cid); }),
                conns.end());
  auto key = [&](const connection_view& v) -> uint64_t {
    const auto& st = *v.stats;
    if (sort == "subs") return st.subscription_count;
    if (sort == "pending") return st.pending_bytes;
    if (sort == "msgs_to") return st.out_msgs;
    if (sort == "msgs_from") return st.in_msgs;
    if (sort == "bytes_to") return st.out_bytes;
    if (sort == "bytes_from") return st.in_bytes;
    if (sort == "stop") return static_cast<uint64_t>(st.stop_steady_ns.load());
    return v.cid;
  };
  if (sort == "reason")
    std::stable_sort(conns.begin(), conns.end(),
                     [](auto& a, auto& b) { return a.reason < b.reason; });
  else if (sort == "cid" || sort == "start")
    std::sort(conns.begin(), conns.end(), [](auto& a, auto& b) { return a.cid < b.cid; });
  else
    std::stable_sort(conns.begin(), conns.end(), [&](auto& a, auto& b) { return key(a) > key(b); });
  const int64_t offset = std::max<int64_t>(0, to_int(q, "offset", 0));
  const int64_t limit = std::max<int64_t>(0, to_int(q, "limit", 1024));
  const std::string subs = q.count("subs") ? q.at("subs") : "";
  const bool auth = q.count("auth") != 0 && (q.at("auth") == "1" || q.at("auth") == "true");
  json list = json::array();
  for (size_t i = static_cast<size_t>(offset);
       i < conns.size() && list.size() < static_cast<size_t>(limit); ++i) {
    const auto& v = conns[i];
    const auto& st = *v.stats;
    json e = connection_json(v, c, "Client");
    {
      std::lock_guard<std::mutex> guard{st.mutex};
      if (!st.name.empty()) e["name"] = st.name;
      if (!st.lang.empty()) e["lang"] = st.lang;
      if (!st.version.empty()) e["version"] = st.version;
      if (!st.tls_version.empty()) e["tls_version"] = st.tls_version;
      if (!st.tls_cipher.empty()) e["tls_cipher_suite"] = st.tls_cipher;
      // ?auth=1: the user, and the account unless it is the global one (nats-server 2.9).
      if (auth && !st.user.empty()) e["authorized_user"] = st.user;
      if (auth && !st.account.empty() && st.account != global_account) e["account"] = st.account;
    }
    if (subs == "1" || subs == "true" || subs == "detail")
      e["subscriptions_list"] = subscriptions_list(st);
    list.push_back(std::move(e));
  }
  json j;
  j["server_id"] = s.server_id;
  j["now"] = rfc3339(c.now_ns);
  j["num_connections"] = list.size();
  j["total"] = conns.size();
  j["offset"] = offset;
  j["limit"] = limit;
  j["connections"] = std::move(list);
  return {200, j.dump(2)};
}

}  // namespace

nlohmann::ordered_json connection_json(const connection_view& v, const clock_view& c,
                                       const char* kind) {
  const auto& st = *v.stats;
  json e;
  e["cid"] = v.cid;
  e["kind"] = kind;
  if (std::string_view{kind} == "Client") e["type"] = "nats";
  e["ip"] = v.ip;
  e["port"] = v.port;
  const int64_t since_start = c.steady_now_ns - st.start_steady_ns.load();
  const int64_t since_activity = c.steady_now_ns - st.last_activity_steady_ns.load();
  e["start"] = rfc3339(c.now_ns - since_start);
  e["last_activity"] = rfc3339(c.now_ns - since_activity);
  e["rtt"] = go_duration(st.rtt_ns.load(std::memory_order_relaxed));
  if (const int64_t stop = st.stop_steady_ns.load(); stop != 0) {
    e["stop"] = rfc3339(c.now_ns - (c.steady_now_ns - stop));
    e["reason"] = v.reason;
  }
  e["uptime"] = uptime(since_start);
  e["idle"] = uptime(since_activity);
  e["pending_bytes"] = st.pending_bytes.load();
  e["in_msgs"] = st.in_msgs.load();
  e["out_msgs"] = st.out_msgs.load();
  e["in_bytes"] = st.in_bytes.load();
  e["out_bytes"] = st.out_bytes.load();
  e["subscriptions"] = st.subscription_count.load();
  return e;
}

namespace {

response routez(const server_view& s, const std::map<std::string, std::string>& q,
                const clock_view& c) {
  const bool subs = q.count("subs") != 0;
  json list = json::array();
  for (const auto& r : s.routes) {
    json e;
    e["rid"] = r.rid;
    e["remote_id"] = r.remote_id;
    e["remote_name"] = r.remote_name;
    e["did_solicit"] = r.did_solicit;
    e["is_configured"] = r.is_configured;
    e["ip"] = r.ip;
    e["port"] = r.port;
    e["pending_size"] = r.stats->pending_bytes.load();
    e["in_msgs"] = r.stats->in_msgs.load();
    e["out_msgs"] = r.stats->out_msgs.load();
    e["in_bytes"] = r.stats->in_bytes.load();
    e["out_bytes"] = r.stats->out_bytes.load();
    e["subscriptions"] = r.stats->subscription_count.load();
    if (subs) e["subscriptions_list"] = subscriptions_list(*r.stats);
    list.push_back(std::move(e));
  }
  json j;
  j["server_id"] = s.server_id;
  j["now"] = rfc3339(c.now_ns);
  j["import"] = nullptr;
  j["export"] = nullptr;
  j["num_routes"] = list.size();
  j["routes"] = std::move(list);
  return {200, j.dump(2)};
}

// Over HTTP without ?subs nats-server answers with the sublist statistics alone; the
// system account's SUBSZ (`full`) always has the header and paging fields.
response subsz(const server_view& s, const std::map<std::string, std::string>& q,
               const clock_view& c, bool full = false) {
  json stats = sublist_json(s.subs);
  if (q.count("acc"))
    for (const auto& a : s.accounts)
      if (a.name == q.at("acc")) stats = sublist_json(a.subs);
  const std::string subs = q.count("subs") ? q.at("subs") : "";
  const bool listing = subs == "1" || subs == "true" || subs == "detail";
  if (!listing && !full) return {200, stats.dump(2)};
  // Only local subscriptions are listed, as in nats-server; ?acc=NAME lists one account's
  // (the system account's `$SYS.REQ.ACCOUNT.<name>.SUBSZ`).
  const std::string only = q.count("acc") ? q.at("acc") : "";
  json list = json::array();
  for (const auto& v : s.connections) {
    if (!listing) break;
    std::lock_guard<std::mutex> guard{v.stats->mutex};
    const std::string account =
        v.stats->account.empty() ? std::string{global_account} : v.stats->account;
    if (!only.empty() && account != only) continue;
    for (const auto& [sid, subject] : v.stats->subs) {
      const auto space = subject.find(' ');
      json e;
      e["account"] = account;
      e["subject"] = subject.substr(0, space);
      if (space != std::string::npos) e["qgroup"] = subject.substr(space + 1);
      e["sid"] = sid;
      e["cid"] = v.cid;
      list.push_back(std::move(e));
    }
  }
  json j;
  j["server_id"] = s.server_id;
  j["now"] = rfc3339(c.now_ns);
  for (auto& [k, v] : stats.items())
    j[k] = v;
  j["total"] = list.size();
  j["offset"] = 0;
  j["limit"] = 1024;
  if (listing) j["subscriptions_list"] = std::move(list);
  return {200, j.dump(2)};
}

}  // namespace

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(start, amp - start);
    const auto eq = pair.find('=');
    if (!pair.empty()) out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    start = amp + 1;
  }
  return out;
}

namespace {

// http_base_path as nats-server joins it with each endpoint: a leading '/', no trailing one.
std::string base_of(std::string base) {
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  if (!base.empty() && base.front() != '/') base.insert(base.begin(), '/');
  return base;
}

response endpoint(const std::string& path, const std::map<std::string, std::string>& q,
                  const server_view& server, const clock_view& clock, const std::string& base) {
  if (path == "/varz") return varz(server, clock);
  if (path == "/connz") return connz(server, q, clock);
  if (path == "/routez") return routez(server, q, clock);
  if (path == "/gatewayz") return gatewayz(server, q, clock);
  if (path == "/leafz") return leafz(server, q, clock);
  if (path == "/subsz" || path == "/subscriptionsz") return subsz(server, q, clock);
  if (path == "/accountz") return accountz(server, q, clock);
  if (path == "/accstatz") return accstatz(server, q, clock);
  if (path == "/healthz") return {200, "{\"status\":\"ok\"}"};
  if (path.empty()) {
    response r{200, "<html><body>"};
    for (const char* e : {"varz", "connz", "routez", "gatewayz", "leafz", "subsz", "accountz",
                          "accstatz", "healthz"})
      r.body += "<a href=" + base + "/" + e + ">" + e + "</a><br>";
    r.body += "</body></html>";
    r.html = true;
    return r;
  }
  return {404, "404 page not found\n"};
}

}  // namespace

response internal(const std::string& name, const std::string& query, const server_view& server,
                  const clock_view& clock) {
  const auto q = parse_query(query);
  if (name == "statsz") return statsz(server, clock);
  if (name == "gatewayz") return gatewayz(server, q, clock);
  if (name == "leafz") return leafz(server, q, clock);
  if (name == "jsz") return jsz(server, clock);
  if (name == "subsz") return subsz(server, q, clock, true);
  return endpoint("/" + name, q, server, clock, "");
}

response handle(const std::string& path, const std::string& query, const server_view& server,
                const clock_view& clock) {
  const std::string base = server.options ? base_of(server.options->http_base_path) : "";
  // The root is the base path itself; everything else lies under it.
  std::string rest;
  if (path == (base.empty() ? "/" : base) || (base.empty() && path.empty())) {
    rest = "";
  } else if (path.size() > base.size() + 1 && path.compare(0, base.size() + 1, base + "/") == 0) {
    rest = path.substr(base.size());
  } else {
    return {404, "404 page not found\n"};
  }
  return endpoint(rest, parse_query(query), server, clock, base);
}

}  // namespace gnatsd::monitor
