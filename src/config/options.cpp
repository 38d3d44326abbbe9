#include "config/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "config/accounts_config.hpp"
#include "config/auth_config.hpp"
#include "config/config_fields.hpp"
#include "config/config_parser.hpp"
#include "config/gateway_config.hpp"
#include "config/leafnode_config.hpp"
#include "config/mappings_config.hpp"
#include "config/nats_url.hpp"

namespace gnatsd {

using namespace config;

void config::set_listen(const value& v, std::string& host, int& port, const std::string& key) {
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

namespace {

// Top-level options nats-server 2.9.10 reads that gnatsd does not implement yet (each checked
// against `nats-server -t`). Refused by name, so that a copied nats-server config says what
// is missing instead of looking mistyped; docs/COMPATIBILITY.md lists them with the issue
// that brings each.
const std::set<std::string>& not_yet_implemented() {
  static const std::set<std::string> keys{"jetstream",
                                          "store_dir",
                                          "storedir",
                                          "default_js_domain",
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
                                          "client_advertise",
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

}  // namespace

// A `tls {}` block, with nats-server's error texts for a missing certificate or key.
tls_options config::as_tls(const value& map, std::vector<std::string>& warnings) {
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

namespace {

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
                {"permissions",
                 [&](const value& v, const std::string&) {
                   if (v.type != value::kind::map)
                     bad(v, "Expected permissions to be a map/struct, got " +
                                (v.type == value::kind::string ? v.str : std::string{"a list"}));
                   c.permissions = as_permissions(v);
                   if (c.permissions->responses)
                     bad(v, "Cluster permissions do not support dynamic responses");
                 }},
            });
}

}  // namespace

void apply_config(const value& top, server_options& o, std::vector<std::string>& warnings) {
  const value* accounts_value = nullptr;
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
          {"http_base_path", str(o.http_base_path)},
          {"debug", boolean(o.debug)},
          {"trace", boolean(o.trace)},
          {"logtime", boolean(o.logtime)},
          {"log_file", str(o.log_file)},
          {"logfile", str(o.log_file)},
          {"pid_file", str(o.pid_file)},
          {"pidfile", str(o.pid_file)},
          {"ports_file_dir", str(o.ports_file_dir)},
          {"worker_threads", integer(o.worker_threads)},
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
          {"gateway",
           [&](const value& v, const std::string&) { apply_gateway(v, o.gateway, warnings); }},
          {"leafnodes",
           [&](const value& v, const std::string&) { apply_leafnodes(v, o.leafnodes, warnings); }},
          {"leaf",
           [&](const value& v, const std::string&) { apply_leafnodes(v, o.leafnodes, warnings); }},
          {"tls", [&](const value& v, const std::string&) { o.tls = as_tls(v, warnings); }},
          {"accounts",
           [&](const value& v, const std::string&) {
             accounts_value = &v;
             apply_accounts(v, o, warnings);
           }},
          {"no_auth_user", str(o.no_auth_user)},
          {"mappings",
           [&](const value& v, const std::string&) { o.mappings = config::as_mappings(v); }},
          {"maps",
           [&](const value& v, const std::string&) { o.mappings = config::as_mappings(v); }},
          {"system_account", str(o.system_account)},
          {"system", str(o.system_account)},
          {"no_sys_acc", boolean(o.no_system_account)},
          {"no_system_account", boolean(o.no_system_account)},
      },
      top_level_unknown);
  // Also without accounts: nats-server refuses duplicate users of the authorization block.
  check_account_users(accounts_value != nullptr ? *accounts_value : top, o);
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

// nats-server's startup checks of no_auth_user and the system account, with its texts.
std::string validate_accounts(const server_options& o) {
  if (!o.no_auth_user.empty()) {
    const auto& users = o.authorization.users;
    if (users.empty())
      return "no_auth_user: \"" + o.no_auth_user + "\" present, but users are not defined";
    if (std::none_of(users.begin(), users.end(), [&](const user_entry& u) {
          return u.user == o.no_auth_user || u.nkey == o.no_auth_user;
        }))
      return "no_auth_user: \"" + o.no_auth_user +
             "\" not present as user in authorization block or account configuration";
  }
  if (o.system_account.empty()) return {};  // "$SYS" (or none, with no_sys_acc)
  // A named system account must exist; "$SYS" is created unless no_sys_acc.
  const bool known =
      (o.system_account == "$SYS" && !o.no_system_account) ||
      std::any_of(o.accounts.begin(), o.accounts.end(),
                  [&](const account_options& a) { return a.name == o.system_account; });
  if (!known) return "error resolving system account: account missing";
  return {};
}

}  // namespace

std::string validate(const server_options& o) {
  if (auto e = validate_accounts(o); !e.empty()) return e;
  if (auto e = validate_tls(o.tls); !e.empty()) return e;
  if (auto e = validate_tls(o.cluster.tls); !e.empty()) return e;
  if (auto e = validate_gateway(o); !e.empty()) return e;
  if (auto e = validate_tls(o.gateway.tls); !e.empty()) return e;
  if (auto e = validate_leafnodes(o); !e.empty()) return e;
  if (auto e = validate_tls(o.leafnodes.tls); !e.empty()) return e;
  if (o.max_payload <= 0) return "max_payload must be positive";
  if (o.max_pending > 0 && o.max_payload > o.max_pending)
    return "max_payload (" + std::to_string(o.max_payload) +
           ") cannot be higher than max_pending (" + std::to_string(o.max_pending) + ")";
  if (o.max_control_line <= 0) return "max_control_line must be positive";
  if (o.port < -1 || o.port > 65535) return "invalid port " + std::to_string(o.port);
  if (o.ping_interval <= duration::zero()) return "ping_interval must be positive";
  if (o.ping_max < 1) return "ping_max must be at least 1";
  if (o.worker_threads < 0 || o.worker_threads > 1024)
    return "worker_threads must be between 0 (from the cores) and 1024";
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
