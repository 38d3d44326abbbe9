#include "config/command_line.hpp"

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <set>

#include "config/config_parser.hpp"
#include "config/nats_url.hpp"
#include "config/usage.hpp"

namespace gnatsd {
namespace {

// Long flag names without dashes ("addr", "ms", "DV"), from the usage tables.
const std::set<std::string>& long_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    for (const auto& f : flag_docs())
      for (const std::string n : f.names)
        if (n.size() > 2) out.insert(n.substr(n[1] == '-' ? 2 : 1));
    return out;
  }();
  return names;
}

// Short flags Go also accepts as `-X=value` (e.g. `-T=false`), with their long names.
const std::map<char, std::string> short_to_long = {
    {'a', "addr"},    {'p', "port"}, {'n', "name"}, {'c', "config"},
    {'T', "logtime"}, {'l', "log"},  {'P', "pid"},  {'m', "http_port"},
};

// Rewrites `-name` and `-name=value` to `--name...` for known long names, and `-X=value` to
// `--long=value`, so that CLI11 accepts everything Go's flag package accepts.
std::vector<std::string> normalize(int argc, const char* const* argv) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg[0] == '-' && arg[2] == '=' && short_to_long.count(arg[1]) != 0) {
      out.push_back("--" + short_to_long.at(arg[1]) + arg.substr(2));
      continue;
    }
    if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-') {
      const std::string name =
          arg.substr(1, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 1);
      if (long_names().count(name) != 0) arg = "-" + arg;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

struct overrides {
  std::optional<std::string> host, server_name, config, log_file, pid_file, user, pass, auth;
  std::optional<std::string> ports_file_dir, signal;
  std::optional<std::string> tls_cert, tls_key, tls_ca;
  bool tls = false, tls_verify = false;
  std::optional<int> port, http_port, https_port, connect_retries, workers;
  std::optional<std::string> cluster, routes, cluster_name, cluster_advertise;
  bool logtime = true, no_advertise = false;
  bool debug = false, trace = false, debug_trace = false, test = false, help = false,
       version = false;
};

void add_flags(CLI::App& app, overrides& o) {
  app.add_option("-a,--addr,--net", o.host);
  app.add_option("-p,--port", o.port);
  app.add_option("-n,--name,--server_name", o.server_name);
  app.add_option("-c,--config", o.config);
  app.add_flag("-D", o.debug);
  app.add_flag("-V", o.trace);
  app.add_flag("--DV,--VV,--DVV", o.debug_trace);
  app.add_flag("-T,--logtime", o.logtime);
  app.add_option("-l,--log", o.log_file);
  app.add_option("-P,--pid", o.pid_file);
  app.add_option("--ports_file_dir", o.ports_file_dir);
  app.add_option("--workers", o.workers);
  app.add_option("--sl,--signal", o.signal);
  app.add_option("-m,--http_port", o.http_port);
  app.add_option("--ms,--https_port", o.https_port);
  app.add_option("--user", o.user);
  app.add_option("--pass", o.pass);
  app.add_option("--auth", o.auth);
  app.add_flag("-t", o.test);
  app.add_flag("-h,--help", o.help);
  app.add_flag("-v,--version", o.version);
  app.add_option("--cluster,--cluster_listen", o.cluster);
  app.add_option("--routes", o.routes);
  app.add_option("--cluster_name", o.cluster_name);
  app.add_option("--cluster_advertise", o.cluster_advertise);
  app.add_flag("--no_advertise", o.no_advertise);
  app.add_option("--connect_retries", o.connect_retries);
  app.add_flag("--tls", o.tls);
  app.add_option("--tlscert", o.tls_cert);
  app.add_option("--tlskey", o.tls_key);
  app.add_flag("--tlsverify", o.tls_verify);
  app.add_option("--tlscacert", o.tls_ca);
}

// nats-server turns TLS on with --tls, --tlsverify or a certificate flag; the flags fill in
// what the config file's `tls {}` block would.
void apply_tls_overrides(const overrides& o, tls_options& t) {
  if (o.tls_cert) t.cert_file = *o.tls_cert;
  if (o.tls_key) t.key_file = *o.tls_key;
  if (o.tls_ca) t.ca_file = *o.tls_ca;
  if (o.tls_verify) t.verify = true;
  if (o.tls || o.tls_verify || o.tls_cert || o.tls_key || o.tls_ca) t.enabled = true;
}

std::vector<std::string> split_routes(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ')
      item.erase(item.begin());
    while (!item.empty() && item.back() == ' ')
      item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// Applies the flags over the options loaded from the file. Returns an error or "".
std::string apply_overrides(const overrides& o, const CLI::App& app, server_options& s) {
  if (o.host) s.host = *o.host;
  if (o.port) s.port = *o.port;
  if (o.server_name) s.server_name = *o.server_name;
  if (o.log_file) s.log_file = *o.log_file;
  if (o.pid_file) s.pid_file = *o.pid_file;
  if (o.ports_file_dir) s.ports_file_dir = *o.ports_file_dir;
  if (o.workers) s.worker_threads = *o.workers;
  if (o.http_port) s.http_port = *o.http_port;
  if (o.https_port) s.https_port = *o.https_port;
  if (app.count("-T") != 0) s.logtime = o.logtime;
  if (o.debug || o.debug_trace) s.debug = true;
  if (o.trace || o.debug_trace) s.trace = true;
  if (o.user) s.authorization.user = *o.user;
  if (o.pass) s.authorization.password = *o.pass;
  if (o.auth) s.authorization.token = *o.auth;
  if (o.cluster) {
    nats_url url;
    if (!parse_nats_url(*o.cluster, url)) return "invalid cluster URL \"" + *o.cluster + "\"";
    s.cluster.host = url.host;
    s.cluster.port = url.port;
  }
  if (o.routes) s.cluster.routes = split_routes(*o.routes);
  if (o.cluster_name) s.cluster.name = *o.cluster_name;
  if (o.cluster_advertise) s.cluster.advertise = *o.cluster_advertise;
  if (app.count("--no_advertise") != 0) s.cluster.no_advertise = o.no_advertise;
  if (o.connect_retries) s.cluster.connect_retries = *o.connect_retries;
  apply_tls_overrides(o, s.tls);
  return {};
}

command_line failure(std::string message, bool show_usage = true) {
  command_line r;
  r.what = command_line::action::error;
  r.error = std::move(message);
  r.usage_after_error = show_usage;
  return r;
}

}  // namespace

command_line parse_command_line(int argc, const char* const* argv) {
  CLI::App app{"gnatsd"};
  app.set_help_flag();  // -h is ours, printed with nats-server's usage text
  app.allow_windows_style_options(false);
  overrides o;
  add_flags(app, o);
  std::vector<std::string> args = normalize(argc, argv);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return failure(e.what());
  }
  command_line r;
  if (o.help) {
    r.what = command_line::action::help;
    return r;
  }
  if (o.version) {
    r.what = command_line::action::version;
    return r;
  }
  if (o.signal) {
    // Like nats-server, --signal acts on a running server and ignores everything else.
    std::string error;
    if (!parse_signal_command(*o.signal, r.signal, error)) {
      return failure(error, false);
    }
    r.what = command_line::action::signal;
    return r;
  }
  try {
    if (o.config) {
      r.options.config_file = *o.config;
      apply_config(config::parse_file(*o.config), r.options, r.warnings);
    }
  } catch (const config::parse_error& e) {
    return failure(e.what(), false);  // nats-server shows no usage for a bad config
  }
  if (auto err = apply_overrides(o, app, r.options); !err.empty()) return failure(err);
  if (auto err = validate(r.options); !err.empty()) return failure(err, false);
  if (o.test) r.what = command_line::action::test_config;
  return r;
}

std::vector<std::string> flag_names() {
  CLI::App app{"gnatsd"};
  app.set_help_flag();
  overrides o;
  add_flags(app, o);
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& s : opt->get_snames())
      names.push_back("-" + s);
    for (const auto& l : opt->get_lnames())
      names.push_back("--" + l);
  }
  return names;
}

}  // namespace gnatsd
