// Blocking-socket helpers of the load generator: dial, write everything, read until a
// marker, and open a client the way every scenario needs it (CONNECT, then PING/PONG).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

/// Connects to "host:port" (an optional nats:// prefix is ignored), with TCP_NODELAY.
int dial(const std::string& url);

void send_all(int fd, const char* p, size_t n);
inline void send_all(int fd, std::string_view s) {
  send_all(fd, s.data(), s.size());
}

/// Reads until `needle` has been seen `times` times; returns the bytes after the last one.
std::string read_until(int fd, std::string_view needle, int times = 1);

/// Connects, sends CONNECT (echo off) and waits for the PONG of a PING.
int open_client(const std::string& url);
/// Opens `n` clients like open_client, pipelined in batches (for thousands of them). A
/// "user:pass@" in `url` logs them in; "%d" in it is replaced by each client's number.
std::vector<int> open_clients(const std::string& url, int n);

/// The server's resident set in KiB (from /proc), or 0 without a pid.
long resident_kib(int pid);

}  // namespace loadgen
