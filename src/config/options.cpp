#include "config/options.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "config/config_parser.hpp"
#include "config/nats_url.hpp"

namespace gnatsd {
namespace {

using config::value;

[[noreturn]] void bad(const value& v, const std::string& what) {
  throw config::parse_error{v.where.describe() + ": " + what};
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string as_string(const value& v, const std::string& key) {
  if (v.type == value::kind::string) return v.str;
  if (v.type == value::kind::integer) return std::to_string(v.integer);
  bad(v, "expected a string for \"" + key + "\", got " + v.kind_name());
}

int64_t as_integer(const value& v, const std::string& key) {
  if (v.type != value::kind::integer)
    bad(v, "expected an integer for \"" + key + "\", got " + v.kind_name());
  return v.integer;
}

int as_int(const value& v, const std::string& key) {
  const int64_t i = as_integer(v, key);
  if (i < -2147483648LL || i > 2147483647LL) bad(v, "value out of range for \"" + key + "\"");
  return static_cast<int>(i);
}

bool as_bool(const value& v, const std::string& key) {
  if (v.type != value::kind::boolean)
    bad(v, "expected a boolean for \"" + key + "\", got " + v.kind_name());
  return v.boolean;
}

// Seconds as a duration; out-of-range values are errors, not undefined behaviour (UBSan
// found the overflow through fuzz_config).
duration seconds_to_duration(double secs, const value& v, const std::string& key) {
  if (!(secs >= 0) || secs > 9.0e9) bad(v, "duration out of range for \"" + key + "\"");
  return duration{static_cast<int64_t>(secs * 1e9)};
}

// A duration is a Go duration string; a bare number means seconds (nats-server warns).
duration as_duration(const value& v, const std::string& key, std::vector<std::string>& warnings) {
  if (v.type == value::kind::string) {
    duration d{};
    if (!parse_go_duration(v.str, d))
      bad(v, "invalid duration \"" + v.str + "\" for \"" + key + "\"");
    return d;
  }
  if (v.type == value::kind::integer || v.type == value::kind::floating) {
    const double secs =
        v.type == value::kind::integer ? static_cast<double>(v.integer) : v.floating;
    warnings.push_back(v.where.describe() + ": " + key +
                       " should be a duration string such as \"2m\"; a number means seconds");
    return seconds_to_duration(secs, v, key);
  }
  bad(v, "expected a duration for \"" + key + "\", got " + v.kind_name());
}

// The auth timeout is a number of seconds (float), or a duration string in 2.x.
duration as_seconds(const value& v, const std::string& key, std::vector<std::string>& warnings) {
  if (v.type == value::kind::integer)
    return seconds_to_duration(static_cast<double>(v.integer), v, key);
  if (v.type == value::kind::floating) return seconds_to_duration(v.floating, v, key);
  return as_duration(v, key, warnings);
}

void set_listen(const value& v, std::string& host, int& port, const std::string& key) {
  if (v.type == value::kind::integer) {
    port = static_cast<int>(v.integer);
    return;
  }
  const std::string s = as_string(v, key);
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) bad(v, "could not parse address string \"" + s + "\"");
  const std::string p = s.substr(colon + 1);
  // An optional sign and at most five digits, parsed without exceptions (std::stoi threw on
  // a long port and on a lone "-": found by fuzz_config).
  int parsed = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), parsed);
  if (p.empty() || p.size() > 6 || ec != std::errc{} || end != p.data() + p.size())
    bad(v, "could not parse port of \"" + s + "\"");
  host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  port = parsed;
}

using handler = std::function<void(const value&, const std::string& key)>;

std::string unknown_field(const std::string& key) {
  return "unknown field \"" + key + "\"";
}

// Top-level options nats-server 2.9.10 reads that gnatsd does not implement yet (each checked
// against `nats-server -t`). Refused by name, so that a copied nats-server config says what
// is missing instead of looking mistyped; docs/COMPATIBILITY.md lists them with the issue
// that brings each.
const std::set<std::string>& not_yet_implemented() {
  static const std::set<std::string> keys{"accounts",
                                          "no_auth_user",
                                          "system_account",
                                          "system",
                                          "no_sys_acc",
                                          "no_system_account",
                                          "jetstream",
                                          "store_dir",
                                          "storedir",
                                          "default_js_domain",
                                          "leafnodes",
                                          "leaf",
                                          "gateway",
                                          "websocket",
                                          "ws",
                                          "mqtt",
                                          "operator",
                                          "operators",
                                          "root",
                                          "roots",
                                          "root_operator",
                                          "root_operators",
                                          "trusted",
                                          "trusted_keys",
                                          "resolver",
                                          "account_resolver",
                                          "accounts_resolver",
                                          "resolver_tls",
                                          "resolver_preload",
                                          "resolver_pinned_accounts",
                                          "mappings",
                                          "maps",
                                          "client_advertise",
                                          "http_base_path",
                                          "syslog",
                                          "remote_syslog",
                                          "log_size_limit",
                                          "logfile_size_limit",
                                          "trace_verbose",
                                          "max_sub_tokens",
                                          "disable_sublist_cache",
                                          "no_sublist_cache",
                                          "connect_error_reports",
                                          "reconnect_error_reports",
                                          "server_tags",
                                          "allow_non_tls",
                                          "ocsp",
                                          "prof_port",
                                          "max_traced_msg_len",
                                          "no_header_support"};
  return keys;
}

std::string top_level_unknown(const std::string& key) {
  if (not_yet_implemented().count(lower(key)) != 0)
    return "\"" + key +
           "\" is a nats-server option gnatsd does not implement yet (see docs/COMPATIBILITY.md)";
  return unknown_field(key);
}

// Applies every entry of `map` through `handlers`; an unknown key is an error as in
// nats-server 2.x (worded by `unknown`), except entries that only served as $variables.
void apply_map(const value& map, const std::map<std::string, handler>& handlers,
               std::string (*unknown)(const std::string& key) = unknown_field) {
  if (map.type != value::kind::map) bad(map, "expected a map");
  for (const auto& [key, v] : map.entries) {
    const auto it = handlers.find(lower(key));
    if (it != handlers.end()) {
      it->second(v, key);
    } else if (!v.used_as_variable) {
      bad(v, unknown(key));
    }
  }
}

// A string or a list of strings.
std::vector<std::string> as_string_list(const value& v, const std::string& key) {
  std::vector<std::string> out;
  if (v.type != value::kind::array) {
    out.push_back(as_string(v, key));
    return out;
  }
  for (const auto& item : v.items)
    out.push_back(as_string(item, key));
  return out;
}

// One side of a permission set: a subject, a list of them (both meaning "allow"), or a map
// with `allow` and `deny`.
subject_rules as_subject_rules(const value& v, const std::string& key) {
  subject_rules r;
  if (v.type != value::kind::map) {
    r.has_allow = true;
    r.allow = as_string_list(v, key);
    return r;
  }
  apply_map(
      v, {
             {"allow",
              [&](const value& x, const std::string& k) {
                r.has_allow = true;
                r.allow = as_string_list(x, k);
              }},
             {"deny", [&](const value& x, const std::string& k) { r.deny = as_string_list(x, k); }},
         });
  return r;
}

permission_set as_permissions(const value& map) {
  permission_set p;
  auto pub = [&](const value& v, const std::string& k) { p.publish = as_subject_rules(v, k); };
  auto sub = [&](const value& v, const std::string& k) { p.subscribe = as_subject_rules(v, k); };
  apply_map(map, {{"publish", pub}, {"pub", pub}, {"subscribe", sub}, {"sub", sub}});
  return p;
}

user_entry as_user(const value& map) {
  user_entry u;
  auto name = [&](const value& v, const std::string& k) { u.user = as_string(v, k); };
  auto pass = [&](const value& v, const std::string& k) { u.password = as_string(v, k); };
  apply_map(map, {{"user", name},
                  {"username", name},
                  {"password", pass},
                  {"pass", pass},
                  {"permissions", [&](const value& v, const std::string&) {
                     u.permissions = as_permissions(v);
                   }}});
  if (u.user.empty()) bad(map, "user entry requires a user");
  return u;
}

void apply_authorization(const value& map, authorization_options& auth,
                         std::vector<std::string>& warnings) {
  apply_map(
      map,
      {
          {"users",
           [&](const value& v, const std::string&) {
             if (v.type != value::kind::array) bad(v, "expected an array for \"users\"");
             for (const auto& item : v.items)
               auth.users.push_back(as_user(item));
           }},
          {"default_permissions",
           [&](const value& v, const std::string&) {
             auth.default_permissions = as_permissions(v);
           }},
          {"user", [&](const value& v, const std::string& k) { auth.user = as_string(v, k); }},
          {"username", [&](const value& v, const std::string& k) { auth.user = as_string(v, k); }},
          {"password",
           [&](const value& v, const std::string& k) { auth.password = as_string(v, k); }},
          {"pass", [&](const value& v, const std::string& k) { auth.password = as_string(v, k); }},
          {"token", [&](const value& v, const std::string& k) { auth.token = as_string(v, k); }},
          {"timeout", [&](const value& v,
                          const std::string& k) { auth.timeout = as_seconds(v, k, warnings); }},
      });
  if (!auth.user.empty() && !auth.token.empty())
    bad(map, "can not have a token and a user at the same time");
  if (!auth.users.empty() && (!auth.user.empty() || !auth.token.empty()))
    bad(map, "can not have a single user/pass or token and a users array at the same time");
}

// The cipher suites nats-server 2.9 accepts by name (Go's crypto/tls constants).
const std::set<std::string>& known_cipher_suites() {
  static const std::set<std::string> names = {
      "TLS_RSA_WITH_RC4_128_SHA",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_RSA_WITH_AES_256_CBC_SHA",
      "TLS_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
      "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
  };
  return names;
}

// Every item of a string list must be one of `known`, else nats-server's error names it.
std::vector<std::string> as_known_names(const value& v, const std::string& key,
                                        const std::set<std::string>& known,
                                        const std::string& error) {
  std::vector<std::string> out;
  const std::vector<value> single{v};
  for (const auto& item : v.type == value::kind::array ? v.items : single) {
    out.push_back(as_string(item, key));
    if (known.count(out.back()) == 0) bad(item, error + " " + out.back());
  }
  return out;
}

// `pinned_certs`: SHA-256 key ids in hex (any case), with nats-server's error texts.
std::vector<std::string> as_pinned_certs(const value& v) {
  const std::string about = "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo";
  if (v.type != value::kind::array)
    bad(v, "error parsing tls config, expected 'pinned_certs' to be a list of " + about);
  std::vector<std::string> out;
  for (const auto& item : v.items) {
    if (item.type != value::kind::string)
      bad(item, "error parsing tls config, expected 'pinned_certs' to be a list of " + about);
    const std::string id = lower(item.str);
    const bool hex =
        id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex)
      bad(item, "error parsing tls config, 'pinned_certs' key " + item.str +
                    " does not look like " + about);
    out.push_back(id);
  }
  return out;
}

// A `tls {}` block, with nats-server's error texts for a missing certificate or key.
tls_options as_tls(const value& map, std::vector<std::string>& warnings) {
  static const std::set<std::string> curves = {"CurveP256", "CurveP384", "CurveP521", "X25519"};
  tls_options t;
  t.enabled = true;
  auto str = [](std::string& field) {
    return [&field](const value& v, const std::string& k) { field = as_string(v, k); };
  };
  auto flag = [](bool& field) {
    return [&field](const value& v, const std::string& k) { field = as_bool(v, k); };
  };
  if (map.type != value::kind::map) bad(map, "expected a map for \"tls\"");
  apply_map(
      map,
      {{"cert_file", str(t.cert_file)},
       {"key_file", str(t.key_file)},
       {"ca_file", str(t.ca_file)},
       {"verify", flag(t.verify)},
       {"insecure", flag(t.insecure)},
       {"pinned_certs",
        [&](const value& v, const std::string&) { t.pinned_certs = as_pinned_certs(v); }},
       {"verify_and_map",
        [&](const value& v, const std::string& k) {
          t.verify_and_map = as_bool(v, k);
          if (t.verify_and_map) t.verify = true;
        }},
       {"cipher_suites",
        [&](const value& v, const std::string& k) {
          t.cipher_suites = as_known_names(v, k, known_cipher_suites(), "unrecognized cipher");
        }},
       {"curve_preferences",
        [&](const value& v, const std::string& k) {
          t.curve_preferences = as_known_names(v, k, curves, "unrecognized curve preference");
        }},
       {"timeout",
        [&](const value& v, const std::string& k) { t.timeout = as_seconds(v, k, warnings); }}},
      [](const std::string& key) {
        return "error parsing tls config, unknown field [\"" + key + "\"]";
      });
  if (t.cert_file.empty()) bad(map, "missing 'cert_file' in TLS configuration");
  if (t.key_file.empty()) bad(map, "missing 'key_file' in TLS configuration");
  return t;
}

void apply_cluster(const value& map, cluster_options& c, std::vector<std::string>& warnings) {
  apply_map(map,
            {
                {"listen",
                 [&](const value& v, const std::string& k) { set_listen(v, c.host, c.port, k); }},
                {"host", [&](const value& v, const std::string& k) { c.host = as_string(v, k); }},
                {"net", [&](const value& v, const std::string& k) { c.host = as_string(v, k); }},
                {"port", [&](const value& v, const std::string& k) { c.port = as_int(v, k); }},
                {"name", [&](const value& v, const std::string& k) { c.name = as_string(v, k); }},
                {"routes",
                 [&](const value& v, const std::string& k) {
                   c.routes.clear();
                   if (v.type == value::kind::array) {
                     for (const auto& item : v.items)
                       c.routes.push_back(as_string(item, k));
                   } else {
                     c.routes.push_back(as_string(v, k));
                   }
                 }},
                {"authorization",
                 [&](const value& v, const std::string&) {
                   apply_authorization(v, c.authorization, warnings);
                   if (!c.authorization.token.empty())
                     bad(v, "cluster authorization does not support tokens");
                   if (!c.authorization.users.empty())
                     bad(v, "cluster authorization does not support a users array");
                 }},
                {"advertise",
                 [&](const value& v, const std::string& k) { c.advertise = as_string(v, k); }},
                {"cluster_advertise",
                 [&](const value& v, const std::string& k) { c.advertise = as_string(v, k); }},
                {"no_advertise",
                 [&](const value& v, const std::string& k) { c.no_advertise = as_bool(v, k); }},
                {"connect_retries",
                 [&](const value& v, const std::string& k) { c.connect_retries = as_int(v, k); }},
                {"tls", [&](const value& v, const std::string&) { c.tls = as_tls(v, warnings); }},
            });
}

}  // namespace

void apply_config(const value& top, server_options& o, std::vector<std::string>& warnings) {
  auto str = [](std::string& field) {
    return [&field](const value& v, const std::string& k) { field = as_string(v, k); };
  };
  auto boolean = [](bool& field) {
    return [&field](const value& v, const std::string& k) { field = as_bool(v, k); };
  };
  auto size = [](int64_t& field) {
    return [&field](const value& v, const std::string& k) { field = as_integer(v, k); };
  };
  auto integer = [](int& field) {
    return [&field](const value& v, const std::string& k) { field = as_int(v, k); };
  };
  auto dur = [&warnings](duration& field) {
    return [&field, &warnings](const value& v, const std::string& k) {
      field = as_duration(v, k, warnings);
    };
  };
  apply_map(
      top,
      {
          {"listen",
           [&](const value& v, const std::string& k) { set_listen(v, o.host, o.port, k); }},
          {"host", str(o.host)},
          {"net", str(o.host)},
          {"port", integer(o.port)},
          {"server_name", str(o.server_name)},
          {"http", [&](const value& v,
                       const std::string& k) { set_listen(v, o.http_host, o.http_port, k); }},
          {"http_port", integer(o.http_port)},
          {"monitor_port", integer(o.http_port)},
          {"https", [&](const value& v,
                        const std::string& k) { set_listen(v, o.http_host, o.https_port, k); }},
          {"https_port", integer(o.https_port)},
          {"debug", boolean(o.debug)},
          {"trace", boolean(o.trace)},
          {"logtime", boolean(o.logtime)},
          {"log_file", str(o.log_file)},
          {"logfile", str(o.log_file)},
          {"pid_file", str(o.pid_file)},
          {"pidfile", str(o.pid_file)},
          {"ports_file_dir", str(o.ports_file_dir)},
          {"max_payload", size(o.max_payload)},
          {"max_connections", integer(o.max_connections)},
          {"max_conn", integer(o.max_connections)},
          {"max_subscriptions", integer(o.max_subscriptions)},
          {"max_subs", integer(o.max_subscriptions)},
          {"max_control_line", size(o.max_control_line)},
          {"max_pending", size(o.max_pending)},
          {"ping_interval", dur(o.ping_interval)},
          {"ping_max", integer(o.ping_max)},
          {"write_deadline", dur(o.write_deadline)},
          {"lame_duck_duration",
           [&](const value& v, const std::string& k) {
             o.lame_duck_duration = as_duration(v, k, warnings);
             // nats-server 2.9 refuses shorter ones, with this text.
             if (o.lame_duck_duration < std::chrono::seconds{30})
               bad(v, "invalid lame_duck_duration of " + format_go_duration(o.lame_duck_duration) +
                          ", minimum is 30 seconds");
           }},
          {"lame_duck_grace_period", dur(o.lame_duck_grace_period)},
          {"authorization",
           [&](const value& v, const std::string&) {
             apply_authorization(v, o.authorization, warnings);
           }},
          {"cluster",
           [&](const value& v, const std::string&) { apply_cluster(v, o.cluster, warnings); }},
          {"tls", [&](const value& v, const std::string&) { o.tls = as_tls(v, warnings); }},
      },
      top_level_unknown);
}

namespace {

bool readable(const std::string& path) {
  return std::ifstream{path}.good();
}

// The files of a TLS block must exist before anything listens (nats-server loads them while
// it reads the config, so `-t` reports them too). Their contents are checked when the
// transport loads them.
std::string validate_tls(const tls_options& t) {
  if (!t.enabled) return {};
  if (t.cert_file.empty() || t.key_file.empty())
    return "TLS Server certificate must be present and valid";
  for (const auto* f : {&t.cert_file, &t.key_file})
    if (!readable(*f))
      return "error parsing X509 certificate/key pair: open " + *f + ": no such file or directory";
  if (!t.ca_file.empty() && !readable(t.ca_file))
    return "open " + t.ca_file + ": no such file or directory";
  return {};
}

}  // namespace

std::string validate(const server_options& o) {
  if (auto e = validate_tls(o.tls); !e.empty()) return e;
  if (auto e = validate_tls(o.cluster.tls); !e.empty()) return e;
  if (o.max_payload <= 0) return "max_payload must be positive";
  if (o.max_pending > 0 && o.max_payload > o.max_pending)
    return "max_payload (" + std::to_string(o.max_payload) +
           ") cannot be higher than max_pending (" + std::to_string(o.max_pending) + ")";
  if (o.max_control_line <= 0) return "max_control_line must be positive";
  if (o.port < -1 || o.port > 65535) return "invalid port " + std::to_string(o.port);
  if (o.ping_interval <= duration::zero()) return "ping_interval must be positive";
  if (o.ping_max < 1) return "ping_max must be at least 1";
  if (!o.cluster.routes.empty() && o.cluster.port == 0)
    return "solicited routes require cluster capabilities, e.g. --cluster";
  for (const auto& r : o.cluster.routes) {
    nats_url url;
    if (!parse_nats_url(r, url)) return "invalid route URL \"" + r + "\"";
  }
  return {};
}

bool parse_go_duration(const std::string& text, duration& out) {
  static const std::pair<const char*, double> units[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6},
      {"s", 1e9},  {"m", 60e9}, {"h", 3600e9},
  };
  if (text.empty()) return false;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    ++i;
  }
  if (text.substr(i) == "0") {
    out = duration::zero();
    return true;
  }
  double total = 0;
  if (i == text.size()) return false;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start) return false;
    const double amount = std::strtod(text.substr(start, i - start).c_str(), nullptr);
    const size_t unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.')
      ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    bool found = false;
    for (const auto& [name, scale] : units) {
      if (unit == name) {
        total += amount * scale;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  if (!(total < 9.0e18)) return false;  // beyond int64 nanoseconds
  out = duration{static_cast<int64_t>(std::llround(negative ? -total : total))};
  return true;
}

std::string format_go_duration(duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  if (ns < 1000) return sign + std::to_string(ns) + "ns";
  if (ns < 1000000) return sign + std::to_string(ns / 1000) + "\xc2\xb5s";
  if (ns < 1000000000) return sign + std::to_string(ns / 1000000) + "ms";
  const int64_t h = ns / 3600000000000LL;
  const int64_t m = (ns / 60000000000LL) % 60;
  const int64_t s = (ns / 1000000000LL) % 60;
  const int64_t frac_ms = (ns / 1000000) % 1000;
  std::string out = sign;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (frac_ms > 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac_ms));
    std::string f = buf;
    while (f.back() == '0')
      f.pop_back();
    out += f;
  }
  return out + "s";
}

}  // namespace gnatsd
