#include "config/accounts_config.hpp"

#include <algorithm>
#include <set>

#include "accounts/subject_mapping.hpp"
#include "auth/nkey.hpp"
#include "config/auth_config.hpp"
#include "config/config_fields.hpp"
#include "config/mappings_config.hpp"
#include "subject/subject.hpp"
#include "util/text.hpp"

namespace gnatsd::config {
namespace {

// nats-server reserves the global account's name; $SYS may be configured like any account.
bool reserved(const std::string& name) {
  return name == "$G";
}

// Account options nats-server 2.9 reads that gnatsd does not implement yet: refused by name
// (docs/COMPATIBILITY.md), never ignored.
std::string account_option_unknown(const std::string& key) {
  static const std::set<std::string> later{"exports", "imports", "jetstream"};
  if (later.count(lower(key)) != 0)
    return "\"" + key +
           "\" in an account is a nats-server option gnatsd does not implement yet (see "
           "docs/COMPATIBILITY.md)";
  return unknown_field(key);
}

// Go's strconv.Atoi, with its error texts.
int64_t go_atoi(const value& at, const std::string& text) {
  size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  const std::string quoted = "strconv.Atoi: parsing \"" + text + "\": ";
  if (i == text.size()) bad(at, "Failed to parse latency sample: " + quoted + "invalid syntax");
  int64_t n = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9')
      bad(at, "Failed to parse latency sample: " + quoted + "invalid syntax");
    if (n > (INT64_MAX - 9) / 10)
      bad(at, "Failed to parse latency sample: " + quoted + "value out of range");
    n = n * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -n : n;
}

// An export's `latency`: its subject alone (every request sampled), or {sampling, subject}
// with sampling a percentage ("50%" or 50) or "headers".
latency_options as_latency(const value& v) {
  latency_options l;
  if (v.type == value::kind::string) {
    l.subject = v.str;
    return l;
  }
  if (v.type != value::kind::map)
    bad(v, "Expected latency entry to be a map/struct or string, got " + go_type(v));
  const value* subject = nullptr;
  for (const auto& [key, x] : v.entries) {
    const std::string k = lower(key);
    if (k == "subject") subject = &x;
    if (k != "sampling") continue;  // nats-server reads these two keys and ignores the rest
    if (x.type == value::kind::integer) {
      l.sampling = static_cast<int>(std::clamp<int64_t>(x.integer, -1, 101));
    } else if (x.type == value::kind::string) {
      std::string text = x.str;
      if (lower(std::string{text::trim(text, " \t\r\n\v\f")}) == "headers") {
        l.sampling = 0;
        continue;
      }
      if (!text.empty() && text.back() == '%') text.pop_back();
      l.sampling = static_cast<int>(std::clamp<int64_t>(go_atoi(x, text), -1, 101));
    } else {
      bad(x, "Expected latency sample to be a string or map/struct, got " + go_type(x));
    }
    if (l.sampling < 1 || l.sampling > 100) bad(x, "bad sampling percentage, should be 1-100");
  }
  if (subject == nullptr) bad(v, "Latency subject required, but missing");
  // nats-server prints the Go type of its (empty) string here, whatever the value was.
  if (subject->type != value::kind::string)
    bad(*subject, "Expected latency subject to be a string, got string");
  l.subject = subject->str;
  return l;
}

// One entry of `exports`: {stream: S} or {service: S, response_type, threshold}, either with
// `accounts: [...]` (private) or without (public).
export_options as_export(const value& v, std::vector<std::string>& warnings) {
  if (v.type != value::kind::map)
    bad(v, "Export Items should be a map with type entry, got " + go_type(v));
  export_options e;
  bool seen_stream = false, seen_service = false;
  const value* response = nullptr;
  const value* latency = nullptr;
  bool threshold_seen = false;
  for (const auto& [key, x] : v.entries) {
    const std::string k = lower(key);
    if (k == "stream" || k == "service") {
      const bool service = k == "service";
      if (service ? seen_stream : seen_service)
        bad(x, std::string{"Detected "} + k + " \"" + (x.type == value::kind::string ? x.str : "") +
                   "\" but already saw a " + (service ? "stream" : "service"));
      if (x.type != value::kind::string)
        bad(x, "Expected " + k + " name to be string, got " + go_type(x));
      if (!service && response != nullptr)
        bad(*response, "Detected response directive on non-service");
      if (!service && latency != nullptr)
        bad(*latency, "Detected latency directive on non-service");
      (service ? seen_service : seen_stream) = true;
      e.service = service;
      e.subject = x.str;
    } else if (k == "response" || k == "response_type") {
      if (response != nullptr) bad(x, "Duplicate response type definition");
      response = &x;
      if (x.type != value::kind::string)
        bad(x, "Expected response type to be string, got " + go_type(x));
      const std::string t = lower(x.str);
      if (t == "single" || t == "singleton")
        e.response = response_type::singleton;
      else if (t == "stream")
        e.response = response_type::stream;
      else if (t == "chunk" || t == "chunked")
        e.response = response_type::chunked;
      else
        bad(x, "Unknown response type: \"" + x.str + "\"");
      if (seen_stream) bad(x, "Detected response directive on non-service");
    } else if (k == "threshold" || k == "response_threshold" || k == "response_max_time" ||
               k == "response_time") {
      if (threshold_seen) bad(x, "Duplicate response threshold detected");
      threshold_seen = true;
      if (x.type != value::kind::string)
        bad(x, "Expected response threshold to be a parseable time duration, got " + go_type(x));
      e.threshold = as_duration(x, key, warnings);
    } else if (k == "accounts") {
      if (x.type != value::kind::array)
        bad(x, "interface conversion: interface {} is " + go_type(x) + ", not []interface {}");
      for (const auto& a : x.items)
        e.accounts.push_back(as_string(a, key));
    } else if (k == "account_token_position") {
      if (x.type != value::kind::integer)
        bad(x, "interface conversion: interface {} is " + go_type(x) + ", not int64");
      e.account_token_position = static_cast<int>(x.integer);
    } else if (k == "latency") {
      if (seen_stream) bad(x, "Detected latency directive on non-service");
      latency = &x;
      e.latency = as_latency(x);
    } else if (!x.used_as_variable) {
      bad(x, unknown_field(key));
    }
  }
  // The account token must be one of the subject's `*` (nats-server's words for anything else).
  if (e.account_token_position > 0) {
    const auto tokens = subject::tokens(e.subject);
    const auto at = static_cast<size_t>(e.account_token_position);
    if (at > tokens.size() || tokens[at - 1] != "*")
      bad(v, std::string{"Error adding "} + (e.service ? "service" : "stream") + " export \"" +
                 e.subject + "\": sublist: invalid subject");
  }
  return e;
}

// {account: A, subject: S}: where an import comes from.
void as_import_source(const value& v, import_options& i) {
  if (v.type != value::kind::map)
    bad(v, std::string{i.service ? "Service" : "Stream"} + " entry should be an account map, got " +
               go_type(v));
  for (const auto& [key, x] : v.entries) {
    const std::string k = lower(key);
    if (k == "account")
      i.account = as_string(x, key);
    else if (k == "subject")
      i.subject = as_string(x, key);
    else if (!x.used_as_variable)
      bad(x, unknown_field(key));
  }
  if (i.account.empty() || i.subject.empty()) bad(v, "Expect an account name and a subject");
}

// One entry of `imports`: {stream: {account, subject}, prefix | to} or
// {service: {account, subject}, to, share}.
import_options as_import(const value& v) {
  if (v.type != value::kind::map)
    bad(v, "Import Items should be a map with type entry, got " + go_type(v));
  import_options i;
  const value* prefix = nullptr;
  for (const auto& [key, x] : v.entries) {
    const std::string k = lower(key);
    if (k == "stream" || k == "service") {
      i.service = k == "service";
      as_import_source(x, i);
    } else if (k == "prefix") {
      prefix = &x;
      i.prefix = as_string(x, key);
    } else if (k == "to") {
      i.to = as_string(x, key);
    } else if (k == "share") {
      i.share = as_bool(x, key);
    } else if (!x.used_as_variable) {
      bad(x, unknown_field(key));
    }
  }
  if (!i.service && prefix != nullptr && !i.to.empty())
    bad(*prefix, "Stream import can not have a 'prefix' and a 'to' property");
  if (i.service) {
    i.prefix.clear();                    // nats-server reads no prefix on a service import
    if (i.to.empty()) i.to = i.subject;  // published here on the export's own subject
  }
  return i;
}

const account_options* account_named(const server_options& o, const std::string& name) {
  for (const auto& a : o.accounts)
    if (a.name == name) return &a;
  return nullptr;
}

// Whether `exporter` lets `importer` import `i` (an export of its kind whose subject covers
// the import's, public or naming the importer), as nats-server checks it.
bool authorized(const account_options& exporter, const std::string& importer,
                const import_options& i) {
  for (const auto& e : exporter.exports) {
    if (e.service != i.service || !subject::subset_of(i.subject, e.subject)) continue;
    if (e.account_token_position > 0) {
      const auto tokens = subject::tokens(i.subject);
      const auto at = static_cast<size_t>(e.account_token_position);
      if (at > tokens.size() || tokens[at - 1] != importer) continue;
    }
    if (e.accounts.empty() ||
        std::find(e.accounts.begin(), e.accounts.end(), importer) != e.accounts.end())
      return true;
  }
  return false;
}

// An import's subject as the importer sees it.
std::string local_side(const import_options& i) {
  if (!i.prefix.empty()) return i.prefix + "." + i.subject;
  return i.to.empty() ? i.subject : i.to;
}

struct import_edge {
  std::string importer;
  import_options import;
};

// Whether adding `next` to the imports accepted so far closes a loop: following imports of
// the same kind from its exporter (whose local side overlaps the subject being imported)
// leads back to its importer.
bool forms_cycle(const std::vector<import_edge>& accepted, const import_edge& next) {
  std::vector<std::pair<std::string, std::string>> todo{{next.import.account, next.import.subject}};
  std::set<std::pair<std::string, std::string>> seen;
  while (!todo.empty()) {
    auto [account, subject] = todo.back();
    todo.pop_back();
    if (!seen.insert({account, subject}).second) continue;
    for (const auto& e : accepted) {
      if (e.importer != account || e.import.service != next.import.service) continue;
      const std::string local = local_side(e.import);
      if (!subject::subset_of(local, subject) && !subject::subset_of(subject, local)) continue;
      if (e.import.account == next.importer) return true;
      todo.emplace_back(e.import.account, e.import.subject);
    }
  }
  return false;
}

// A service export's `latency`, checked as nats-server checks it while it adds the exports
// in order: its results go to the system account's events, to a subject no service export
// of the account (so far) covers, and only singleton responses are measured.
void check_latency(const value& where, const server_options& o, const account_options& a,
                   size_t export_index) {
  const auto& e = a.exports[export_index];
  if (o.no_system_account)
    bad(where, "Error adding service latency sampling for \"" + e.subject +
                   "\": system account not setup");
  const std::string failed = "Error adding service latency sampling for \"" + e.subject +
                             "\" on subject \"" + e.latency->subject + "\": ";
  bool exported = false;
  for (size_t n = 0; n <= export_index; ++n)
    exported = exported || (a.exports[n].service &&
                            subject::subset_of(e.latency->subject, a.exports[n].subject));
  if (!subject::valid_literal(e.latency->subject) || exported)
    bad(where, failed + "invalid publish subject");
  if (e.response != response_type::singleton) bad(where, failed + "bad service response type");
}

// The checks nats-server makes once every account is read: exports first (their accounts
// must exist), then stream imports, then service imports (the exporter must exist and allow
// it, a mapping must carry every wildcard, no import may close a cycle).
void check_exports_and_imports(const value& where, const server_options& o) {
  for (const auto& a : o.accounts)
    for (size_t n = 0; n < a.exports.size(); ++n) {
      const auto& e = a.exports[n];
      for (const auto& name : e.accounts)
        if (!account_named(o, name))
          bad(where, "\"" + name + "\" account not defined for " +
                         (e.service ? "service" : "stream") + " export");
      if (e.latency) check_latency(where, o, a, n);
    }
  std::vector<import_edge> accepted;
  for (const bool service : {false, true}) {
    const std::string kind = service ? "service" : "stream";
    for (const auto& a : o.accounts)
      for (const auto& i : a.imports) {
        if (i.service != service) continue;
        const account_options* exporter = account_named(o, i.account);
        if (!exporter)
          bad(where, "\"" + i.account + "\" account not defined for " + kind + " import");
        const std::string failed = "Error adding " + kind + " import \"" + i.subject + "\": ";
        if (!authorized(*exporter, a.name, i)) bad(where, failed + kind + " import not authorized");
        if (!i.to.empty() && !subject_mapping{i.subject, i.to}.consistent())
          bad(where, failed + "failed to create mapping transform for " + kind +
                         " import subject \"" + i.subject + "\" to \"" + i.to +
                         "\": invalid mapping destination: not using all of the token "
                         "wildcard(s) in " +
                         i.to);
        const import_edge edge{a.name, i};
        if (forms_cycle(accepted, edge)) bad(where, failed + "import forms a cycle");
        accepted.push_back(edge);
      }
  }
}

void add_exports(const value& x, account_options& account, std::vector<std::string>& warnings) {
  if (x.type != value::kind::array) bad(x, "Exports should be an array, got " + go_type(x));
  for (const auto& item : x.items)
    if (auto e = as_export(item, warnings); !e.subject.empty())
      account.exports.push_back(std::move(e));
}

void add_imports(const value& x, account_options& account) {
  if (x.type != value::kind::array) bad(x, "Imports should be an array, got " + go_type(x));
  for (const auto& item : x.items) {
    auto i = as_import(item);
    if (i.account.empty()) continue;  // neither stream nor service: nats-server skips it
    for (const auto& earlier : account.imports)
      if (i.service && earlier.service && !i.to.empty() && i.to == earlier.to)
        bad(item, "Duplicate service import subject \"" + i.to +
                      "\", previously used in import for account \"" + earlier.account +
                      "\", subject \"" + earlier.subject + "\"");
    account.imports.push_back(std::move(i));
  }
}

// An account's `limits`, with nats-server's words for an unknown one.
account_limits as_limits(const value& v) {
  if (v.type != value::kind::map) bad(v, "Expected a map for account limits");
  account_limits l;
  auto number = [](int64_t& field) {
    return [&field](const value& x, const std::string& k) { field = as_integer(x, k); };
  };
  apply_map(v,
            {{"max_connections", number(l.max_connections)},
             {"max_conn", number(l.max_connections)},
             {"max_subscriptions", number(l.max_subscriptions)},
             {"max_subs", number(l.max_subscriptions)},
             {"max_payload", number(l.max_payload)},
             {"max_pay", number(l.max_payload)},
             {"max_leafnodes", number(l.max_leafnodes)},
             {"max_leafs", number(l.max_leafnodes)}},
            [](const std::string& key) {
              return "Unknown field \"" + key + "\" parsing account limits";
            });
  return l;
}

void add_account_list(const value& v, server_options& o) {
  std::set<std::string> seen;
  for (const auto& item : v.items) {
    const std::string name = as_string(item, "accounts");
    if (reserved(name)) bad(item, "\"" + name + "\" is a Reserved Account");
    if (!seen.insert(name).second) bad(item, "Duplicate Account Entry: " + name);
    o.accounts.push_back(named_account(name));
  }
}

void add_account(const std::string& name, const value& v, server_options& o,
                 std::vector<std::string>& warnings) {
  if (v.type != value::kind::map) bad(v, "Expected map entries for accounts");
  if (reserved(name)) bad(v, "\"" + name + "\" is a Reserved Account");
  account_options account = named_account(name);
  std::vector<user_entry> users;
  std::optional<permission_set> defaults;
  apply_map(
      v,
      {{"users",
        [&](const value& x, const std::string&) {
          if (x.type != value::kind::array) bad(x, "expected an array for \"users\"");
          for (const auto& item : x.items)
            users.push_back(as_user(item));
        }},
       {"default_permissions",
        [&](const value& x, const std::string&) { defaults = as_permissions(x); }},
       {"exports", [&](const value& x, const std::string&) { add_exports(x, account, warnings); }},
       {"imports", [&](const value& x, const std::string&) { add_imports(x, account); }},
       {"mappings", [&](const value& x, const std::string&) { account.mappings = as_mappings(x); }},
       {"limits", [&](const value& x, const std::string&) { account.limits = as_limits(x); }},
       {"nkey",
        [&](const value& x, const std::string& k) {
          account.nkey = as_string(x, k);
          if (!nkey::valid_account(account.nkey))
            bad(x, "Not a valid public nkey for an account: \"" + account.nkey + "\"");
        }},
       {"maps", [&](const value& x, const std::string&) { account.mappings = as_mappings(x); }}},
      account_option_unknown);
  for (auto& u : users) {
    u.account = name;
    if (!u.permissions) u.permissions = defaults;
    o.authorization.users.push_back(std::move(u));
  }
  o.accounts.push_back(std::move(account));
}

}  // namespace

void apply_accounts(const value& v, server_options& o, std::vector<std::string>& warnings) {
  if (v.type == value::kind::array) {
    add_account_list(v, o);
    return;
  }
  if (v.type != value::kind::map) bad(v, "Expected map entries for accounts");
  for (const auto& [name, entry] : v.entries) {
    if (entry.used_as_variable) continue;
    add_account(name, entry, o, warnings);
  }
}

void check_account_users(const value& where, const server_options& o) {
  bool account_users = false;
  std::set<std::string> names;
  for (const auto& u : o.authorization.users) {
    account_users = account_users || !u.account.empty();
    const bool by_nkey = !u.nkey.empty();
    if (!names.insert(by_nkey ? u.nkey : u.user).second)
      bad(where, std::string{"Duplicate "} + (by_nkey ? "nkey" : "user") + " \"" +
                     (by_nkey ? u.nkey : u.user) + "\" detected");
  }
  if (account_users) {
    if (!o.authorization.user.empty()) bad(where, "Can not have a single user/pass and accounts");
    if (!o.authorization.token.empty()) bad(where, "Can not have a token and accounts");
  }
  check_exports_and_imports(where, o);
}

}  // namespace gnatsd::config
