// Runs the real gnatsd binary (or nats-server) as a child process for end-to-end tests.
//
// The server is started with `-p -1` by default so the OS picks a free port; the port is read
// from the "Listening for client connections on" log line. Every wait polls a condition with
// a generous deadline; the process is stopped by its PID when the object goes away.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gnatsd::testing {

class server_process {
 public:
  /// Starts `binary` with `args`; waits until it logs "server is ready". When the server
  /// logs to a file of its own (-l), pass that path as `log_file`.
  server_process(std::string binary, std::vector<std::string> args, std::string log_file = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  /// Everything the server has logged so far.
  std::string log() const;
  /// What the process wrote to stdout and stderr (sanitizer reports land here).
  std::string output() const;
  /// Waits until the log contains `text`; false at the deadline.
  bool wait_for_log(const std::string& text,
                    std::chrono::milliseconds deadline = std::chrono::seconds{10}) const;
  /// Sends `sig` (0: none) and waits up to `deadline` for the process to exit; returns its
  /// exit code, or -1 if it had to be killed.
  int stop(int sig, std::chrono::milliseconds deadline = std::chrono::seconds{10});
  bool running() const { return pid_ > 0; }
  /// The monitoring port, from the "Starting http monitor on host:port" line (nats-server
  /// and gnatsd log it alike); 0 when the server has none (yet).
  int http_port() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string log_path_;    // where the child's stdout and stderr go
  std::string server_log_;  // where the server writes its log lines
};

/// The gnatsd binary under test (from the build tree), and Debian's nats-server.
std::string gnatsd_binary();
std::string nats_server_binary();

/// A TCP port for a test server to listen on, free now and claimed for this test process
/// against every other one (see server_process.cpp): never the same port twice.
int free_port();

/// A blocking TCP socket connected to 127.0.0.1:port (its receive buffer set first when
/// `receive_buffer` > 0); throws if nothing listens there.
int connect_loopback(int port, int receive_buffer = 0);

/// A connected raw TCP socket to 127.0.0.1:port, for protocol-level checks.
class raw_client {
 public:
  explicit raw_client(int port, int receive_buffer = 0);
  ~raw_client();
  void send(const std::string& bytes);
  /// Reads until `text` appears or the deadline passes; returns everything read so far.
  std::string read_until(const std::string& text,
                         std::chrono::milliseconds deadline = std::chrono::seconds{5});
  /// True once the server closed the connection (reads drain first).
  bool wait_closed(std::chrono::milliseconds deadline = std::chrono::seconds{10});
  const std::string& received() const { return received_; }
  /// Waits up to `timeout_ms` for bytes and appends one read (at most 64 KiB); false on
  /// timeout or close.
  bool read_some(int timeout_ms);
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

/// A listening socket on 127.0.0.1 (a port the OS picks), standing in for a peer that the
/// server under test should dial.
class raw_listener {
 public:
  raw_listener();
  ~raw_listener();
  int port() const { return port_; }
  /// Waits up to `deadline` for a connection; returns what it sent within a further second
  /// (a route's CONNECT), or nullopt if nobody dialled.
  std::optional<std::string> accept_one(std::chrono::milliseconds deadline);

 private:
  int fd_ = -1;
  int port_ = 0;
};

/// A plain HTTP GET over a raw socket (monitoring endpoints); returns the body, "" on failure.
std::string http_get(int port, const std::string& path, int* status = nullptr);

}  // namespace gnatsd::testing
