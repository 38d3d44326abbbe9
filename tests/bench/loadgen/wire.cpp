#include "wire.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace loadgen {
namespace {

// "[nats://][user:pass@]host:port": the credentials part, or "".
std::string credentials_of(const std::string& url) {
  const auto at = url.find('@');
  if (at == std::string::npos) return {};
  const size_t start = url.rfind("nats://", 0) == 0 ? 7 : 0;
  return url.substr(start, at - start);
}

// The CONNECT line (and PING) of a client of `url`, logging in as its user if it names one.
std::string hello_for(const std::string& url) {
  std::string creds;
  if (const std::string c = credentials_of(url); !c.empty()) {
    const auto colon = c.find(':');
    creds = ",\"user\":\"" + c.substr(0, colon) + "\",\"pass\":\"" +
            (colon == std::string::npos ? "" : c.substr(colon + 1)) + "\"";
  }
  return "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false,\"name\":\"loadgen\"" +
         creds + "}\r\nPING\r\n";
}

// `url` with each "%d" replaced by `i`: clients of one run logging in as different users.
std::string numbered(const std::string& url, int i) {
  std::string out = url;
  for (auto at = out.find("%d"); at != std::string::npos; at = out.find("%d", at))
    out.replace(at, 2, std::to_string(i));
  return out;
}

}  // namespace

int dial(const std::string& url) {
  const auto colon = url.rfind(':');
  std::string host = url.substr(0, colon);
  if (const auto at = host.find('@'); at != std::string::npos) host = host.substr(at + 1);
  if (host.rfind("nats://", 0) == 0) host = host.substr(7);
  const std::string port = url.substr(colon + 1);
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0)
    throw std::runtime_error("resolve " + url);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int rc = fd < 0 ? -1 : ::connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0) throw std::runtime_error("connect " + url);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) throw std::runtime_error("send failed");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

std::string read_until(int fd, std::string_view needle, int times) {
  std::string buf;
  char tmp[65536];
  int seen = 0;
  size_t scan = 0;
  while (seen < times) {
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0)
      throw std::runtime_error("connection closed while waiting for " + std::string{needle});
    buf.append(tmp, static_cast<size_t>(n));
    for (size_t at; (at = buf.find(needle, scan)) != std::string::npos;) {
      ++seen;
      scan = at + needle.size();
      if (seen == times) break;
    }
  }
  return buf.substr(scan);
}

int open_client(const std::string& url) {
  return open_clients(url, 1).front();
}

std::vector<int> open_clients(const std::string& url, int n) {
  constexpr int batch = 256;  // within the listen backlog of both servers
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(n));
  for (int first = 0; first < n; first += batch) {
    const int last = std::min(n, first + batch);
    for (int i = first; i < last; ++i) {
      const std::string mine = numbered(url, i);
      fds.push_back(dial(mine));
      send_all(fds.back(), hello_for(mine));
    }
    for (int i = first; i < last; ++i)
      read_until(fds[static_cast<size_t>(i)], "PONG\r\n");
  }
  return fds;
}

long resident_kib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace loadgen
