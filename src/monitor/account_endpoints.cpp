#include "monitor/account_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "system/system_subjects.hpp"

namespace gnatsd::monitor {
namespace {

using json = nlohmann::ordered_json;

const char* response_name(response_type t) {
  switch (t) {
    case response_type::singleton:
      return "Singleton";
    case response_type::stream:
      return "Streamed";
    case response_type::chunked:
      return "Chunked";
  }
  return "Singleton";
}

const account_options* configured(const server_view& s, const std::string& name) {
  for (const auto& a : s.options->accounts)
    if (a.name == name) return &a;
  return nullptr;
}

json exports_json(const account_options& a) {
  json list = json::array();
  for (const auto& e : a.exports) {
    json x;
    x["subject"] = e.subject;
    x["type"] = e.service ? "service" : "stream";
    if (e.service) x["response_type"] = response_name(e.response);
    if (!e.accounts.empty()) x["approved_accounts"] = e.accounts;
    list.push_back(std::move(x));
  }
  return list;
}

// As nats-server lists them: a stream with the subject it is read under here
// (`local_subject`), a service with the subject it is published on here (`to`).
json imports_json(const std::vector<import_options>& imports) {
  json list = json::array();
  for (const auto& i : imports) {
    json x;
    x["subject"] = i.service ? i.to : i.subject;
    x["account"] = i.account;
    if (i.service) {
      x["to"] = i.subject;
    } else {
      x["local_subject"] =
          !i.prefix.empty() ? i.prefix + "." + i.subject : (i.to.empty() ? i.subject : i.to);
    }
    x["type"] = i.service ? "service" : "stream";
    x["invalid"] = false;
    x["share"] = i.share;
    x["tracking"] = false;
    list.push_back(std::move(x));
  }
  return list;
}

// The system account's services every account imports (system/system_subjects.hpp), listed
// as nats-server lists them: exports of the system account, imports of every other one.
void add_system_services(const server_view& s, const account_view& a, account_options& conf) {
  if (s.system_account.empty()) return;
  if (a.is_system) {
    for (const char* subject : {"$SYS.REQ.ACCOUNT.*.CONNZ", "$SYS.REQ.ACCOUNT.*.STATZ"}) {
      export_options e;
      e.service = true;
      e.subject = subject;
      e.response = response_type::stream;
      conf.exports.push_back(std::move(e));
    }
    return;
  }
  for (const auto& i : system::account_service_imports(a.name)) {
    import_options x;
    x.service = true;
    x.account = s.system_account;
    x.subject = i.remote;
    x.to = i.local;
    conf.imports.push_back(std::move(x));
  }
}

json detail(const server_view& s, const account_view& a, const clock_view& c) {
  json d;
  d["account_name"] = a.name;
  d["update_time"] = rfc3339(c.start_ns);  // accounts change only at start and by reloads
  if (a.is_system) d["is_system"] = true;
  d["expired"] = false;
  d["complete"] = true;
  d["jetstream_enabled"] = false;
  d["leafnode_connections"] = a.leafnode_connections;
  d["client_connections"] = a.client_connections;
  d["subscriptions"] = a.subs.subscriptions;
  account_options conf;
  if (const auto* c = configured(s, a.name)) conf = *c;
  add_system_services(s, a, conf);
  if (!conf.exports.empty()) d["exports"] = exports_json(conf);
  if (!conf.imports.empty()) d["imports"] = imports_json(conf.imports);
  d["sublist_stats"] = sublist_json(a.subs);
  return d;
}

}  // namespace

nlohmann::ordered_json header_json(const server_view& s, const clock_view& c) {
  json j;
  j["server_id"] = s.server_id;
  j["now"] = rfc3339(c.now_ns);
  return j;
}

nlohmann::ordered_json data_stats_json(uint64_t msgs, uint64_t bytes) {
  json j;
  j["msgs"] = msgs;
  j["bytes"] = bytes;
  return j;
}

nlohmann::ordered_json sublist_json(const sublist_stats& s) {
  nlohmann::ordered_json j;
  j["num_subscriptions"] = s.subscriptions;
  j["num_cache"] = s.cache_entries;
  j["num_inserts"] = s.inserts;
  j["num_removes"] = s.removes;
  j["num_matches"] = s.matches;
  j["cache_hit_rate"] =
      s.matches == 0 ? 0.0 : static_cast<double>(s.cache_hits) / static_cast<double>(s.matches);
  j["max_fanout"] = 0;
  j["avg_fanout"] = 0;
  return j;
}

response accountz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c) {
  json j = header_json(s, c);
  if (!s.system_account.empty()) j["system_account"] = s.system_account;
  const auto acc = q.find("acc");
  if (acc == q.end() || acc->second.empty()) {
    json names = json::array();
    for (const auto& a : s.accounts)
      names.push_back(a.name);
    j["accounts"] = std::move(names);
    return {200, j.dump(2)};
  }
  for (const auto& a : s.accounts)
    if (a.name == acc->second) {
      j["account_detail"] = detail(s, a, c);
      return {200, j.dump(2)};
    }
  return {400, "Account " + acc->second + " does not exist"};
}

// Accounts with clients only, unless ?unused=1; ?acc=NAME for one.
response accstatz(const server_view& s, const std::map<std::string, std::string>& q,
                  const clock_view& c) {
  const auto flag = q.find("unused");
  const bool unused = flag != q.end() && (flag->second == "1" || flag->second == "true");
  const auto only = q.find("acc");
  json list = json::array();
  for (const auto& a : s.accounts) {
    if (only != q.end() && !only->second.empty() && a.name != only->second) continue;
    if (!unused && a.client_connections == 0 && a.leafnode_connections == 0) continue;
    json x;
    x["acc"] = a.name;
    x["conns"] = a.client_connections;
    x["leafnodes"] = a.leafnode_connections;
    x["total_conns"] = a.client_connections + a.leafnode_connections;
    x["sent"] = {{"msgs", a.sent_msgs}, {"bytes", a.sent_bytes}};
    x["received"] = {{"msgs", a.received_msgs}, {"bytes", a.received_bytes}};
    x["slow_consumers"] = a.slow_consumers;
    list.push_back(std::move(x));
  }
  json j = header_json(s, c);
  j["account_statz"] = std::move(list);
  return {200, j.dump(2)};
}

}  // namespace gnatsd::monitor
