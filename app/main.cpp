// gnatsd: the production program. The composition root: parses the command line and config
// file, builds the CAF actor system and the Asio transport, starts the server actors and
// waits for signals (SIGINT/SIGTERM shut down, SIGUSR1 reopens the log file, SIGUSR2 enters
// lame duck mode); or, with --signal, sends one to a running gnatsd.
//
// It is the only place that knows both CAF and Asio; see docs/ARCHITECTURE.md.
#include <unistd.h>
#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "actors/server.hpp"
#include "actors/tls_settings.hpp"
#include "app/reactor_scheduler.hpp"
#include "app/signal_sender.hpp"
#include "app/thread_plan.hpp"
#include "config/command_line.hpp"
#include "config/ports_file.hpp"
#include "config/reload.hpp"
#include "config/usage.hpp"
#include "net/asio/asio_transport.hpp"
#include "server/server_context.hpp"
#include "spdlog_logger.hpp"

namespace {

using namespace gnatsd;

uint64_t os_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

bool write_pid_file(const std::string& path) {
  std::ofstream out{path, std::ios::trunc};
  if (!out) return false;
  out << ::getpid();  // nats-server writes the PID without a newline
  return static_cast<bool>(out);
}

// Blocks the signals we handle in every thread; the main thread then waits for them.
sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Re-reads the configuration as at start (the command line still overrides the file) and
// sends it to the server actor, or logs why it cannot be applied and keeps the old one.
void reload_config(const std::vector<const char*>& argv, server_options& running,
                   spdlog_logger& log, const server_actor& server) {
  auto cmd = parse_command_line(static_cast<int>(argv.size()), argv.data());
  std::string error = cmd.what == command_line::action::error ? cmd.error : "";
  if (error.empty()) error = unreloadable_change(running, cmd.options);
  if (!error.empty()) {
    log.log(log_level::error, "Failed to reload server configuration: " + error);
    return;
  }
  running = cmd.options;
  caf::anon_send(server, reload_atom_v, std::make_shared<const server_options>(cmd.options));
}

// Waits for a terminating signal and returns the exit code nats-server uses for it. SIGUSR2
// starts lame duck mode; the server actor raises SIGINT when it is over. SIGHUP reloads.
int wait_for_shutdown(const sigset_t& set, spdlog_logger& log, const server_actor& server,
                      const std::vector<const char*>& argv, server_options configured) {
  bool lame_duck = false;
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    switch (sig) {
      case SIGUSR1:
        log.reopen();
        break;
      case SIGUSR2:
        log.debugf("Trapped \"user defined signal 2\" signal");
        lame_duck = true;
        caf::anon_send(server, lame_duck_atom_v);
        break;
      case SIGHUP:
        log.debugf("Trapped \"hangup\" signal");
        reload_config(argv, configured, log, server);
        break;
      case SIGINT:
        log.debugf("Trapped \"interrupt\" signal");
        return 0;
      case SIGTERM:
        log.debugf("Trapped \"terminated\" signal");
        if (lame_duck) break;  // nats-server lets lame duck mode finish
        return 1;              // as nats-server 2.9.10 does
      default:
        break;
    }
  }
}

int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t resident_bytes() {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

// The wall clock and process facts that monitoring pages and system account events carry
// (nothing under src/ or actors/ reads a clock).
monitor::machine_facts machine_facts() {
  const int64_t start = unix_now_ns();
  return [start] {
    monitor::clock_view clock;
    clock.now_ns = unix_now_ns();
    // The actor clock is CAF's steady clock: connection times are read against it.
    clock.steady_now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
    clock.start_ns = start;
    clock.rss_bytes = resident_bytes();
    clock.cores = usable_cores();
    return clock;
  };
}

// Serves the monitoring endpoints: the HTTP layer adds wall-clock and process facts, the
// server actor answers from its state without blocking the I/O thread.
bool start_monitoring(const server_options& opts, net::asio_transport& transport,
                      const server_actor& server, const monitor::machine_facts& facts, logger& log,
                      int& bound) {
  if (opts.http_port == 0 && opts.https_port == 0) return true;
  const bool https = opts.https_port != 0;
  if (opts.http_port != 0 && https) {
    log.log(log_level::fatal, "Can't start monitoring: can't specify both HTTP (" +
                                  std::to_string(opts.http_port) + ") and HTTPs (" +
                                  std::to_string(opts.https_port) + ") ports");
    return false;
  }
  if (https && !opts.tls.enabled) {
    log.log(log_level::fatal, "Can't start monitoring: TLS cert and key required for HTTPS");
    return false;
  }
  auto handler = [server, facts](const std::string& target, net::http_respond respond) {
    const auto q = target.find('?');
    caf::anon_send(server, monitor_atom_v, target.substr(0, q),
                   q == std::string::npos ? std::string{} : target.substr(q + 1), facts(),
                   std::move(respond));
  };
  std::string error;
  const std::string host = opts.http_host.empty() ? opts.host : opts.http_host;
  const auto tls = https ? client_tls(opts) : net::tls_settings{};
  if (!transport.serve_http(host, https ? opts.https_port : opts.http_port, tls, handler, bound,
                            error)) {
    log.log(log_level::fatal, "Can't listen to the monitor port: " + error);
    return false;
  }
  log.info(std::string{"Starting "} + (https ? "https" : "http") + " monitor on " + host + ":" +
           std::to_string(bound));
  return true;
}

// Writes the --ports_file_dir file; returns its path ("" when there is none).
std::string write_ports_file(const server_options& opts, net::asio_transport& transport,
                             const running_server& server, int http_port,
                             const std::string& program) {
  if (opts.ports_file_dir.empty()) return {};
  ports_listing p;
  const bool any = opts.host == "0.0.0.0" || opts.host.empty() || opts.host == "::";
  p.hosts = any ? transport.all_interface_addresses() : std::vector<std::string>{opts.host};
  p.client_port = server.client_port;
  p.http_port = http_port;
  p.client_tls = opts.tls.enabled;
  p.https = opts.https_port != 0;
  p.cluster_tls = opts.cluster.tls.enabled;
  p.cluster_host = opts.cluster.host.empty() ? "0.0.0.0" : opts.cluster.host;
  p.cluster_port = server.cluster_port;
  const std::string path = ports_file_path(opts.ports_file_dir, program, ::getpid());
  std::ofstream out{path, std::ios::trunc};
  out << ports_file_json(p);
  if (!out) {
    server.context->log->log(log_level::error, "Error writing ports file: " + path);
    return {};
  }
  return path;
}

int run(const server_options& opts, const std::vector<const char*>& argv) {
  const std::string program = argv.front();
  const sigset_t signals = handled_signals();
  auto log = std::make_shared<spdlog_logger>(opts.log_file, opts.logtime);
  log->debug = opts.debug;
  log->trace = opts.trace;
  if (!opts.pid_file.empty() && !write_pid_file(opts.pid_file)) {
    log->log(log_level::fatal, "Could not write pidfile: " + opts.pid_file);
    return 1;
  }
  const thread_plan threads = plan_threads(opts, usable_cores());
  log->debugf("Running " + std::to_string(threads.workers) + " actor workers on " +
              std::to_string(threads.cores) + " cores");
  // The transport is made first and destroyed last: the actor workers run its reactor.
  net::asio_transport transport{threads.workers};
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{threads.workers});
  // One message per turn: an actor with a backlog (a publisher's read buffer in slices, a
  // subscriber's batches) goes to the back of its worker's queue after each, behind the
  // connections that just became ready.
  cfg.set("scheduler.max-throughput", size_t{1});
  use_reactor_scheduler(cfg, transport);
  caf::actor_system sys{cfg};
  running_server server;
  std::string error;
  const auto facts = machine_facts();
  if (!start_server(sys, transport, opts, log, os_seed(), server, error, facts)) {
    log->log(log_level::fatal, error);
    return 1;
  }
  int http_port = 0;
  const auto in_force = server.context->current_options();
  if (!start_monitoring(*in_force, transport, server.actor, facts, *log, http_port)) {
    caf::anon_send(server.actor, shutdown_atom_v);
    sys.await_all_actors_done();
    return 1;
  }
  const std::string ports_file = write_ports_file(opts, transport, server, http_port, program);
  server.context->exit_hook = [] { ::kill(::getpid(), SIGINT); };
  const int code = wait_for_shutdown(signals, *log, server.actor, argv, opts);
  log->info("Initiating Shutdown...");
  transport.stop_listening();
  caf::anon_send(server.actor, shutdown_atom_v);
  sys.await_all_actors_done();
  transport.stop();
  if (!opts.pid_file.empty()) std::remove(opts.pid_file.c_str());
  if (!ports_file.empty()) std::remove(ports_file.c_str());
  log->info("Server Exiting..");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const auto cmd = gnatsd::parse_command_line(argc, argv);
  using action = gnatsd::command_line::action;
  switch (cmd.what) {
    case action::help:
      std::cout << gnatsd::usage_text();
      return 0;
    case action::version:
      std::cout << "gnatsd: v" << gnatsd::server_version << " (gnatsd " GNATSD_VERSION ")\n";
      return 0;
    case action::error:
      std::cerr << "gnatsd: " << cmd.error << "\n";
      if (cmd.usage_after_error) std::cerr << "\n" << gnatsd::usage_text();
      return 1;
    case action::test_config:
      for (const auto& w : cmd.warnings)
        std::cerr << w << "\n";
      std::cout << "gnatsd: configuration file " << cmd.options.config_file << " is valid\n";
      return 0;
    case action::signal:
      return gnatsd::send_signal_command(cmd.signal, "gnatsd");
    case action::run:
      break;
  }
  for (const auto& w : cmd.warnings)
    std::cerr << "gnatsd: warning: " << w << "\n";
  return run(cmd.options, std::vector<const char*>(argv, argv + argc));
}
