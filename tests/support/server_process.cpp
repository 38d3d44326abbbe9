#include "server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gnatsd::testing {

std::string gnatsd_binary() {
  // GNATSD_TEST_BINARY runs the end-to-end tests against another build of gnatsd (the
  // ThreadSanitizer stage of .ci/tsan uses it); by default, the one built with the tests.
  if (const char* other = std::getenv("GNATSD_TEST_BINARY"); other != nullptr && *other != 0)
    return other;
  return GNATSD_BINARY;
}

std::string nats_server_binary() {
  return NATS_SERVER_BINARY;
}

namespace {

// Whether nothing listens on 127.0.0.1:port or 0.0.0.0:port right now.
bool bindable(int port) {
  for (const uint32_t host : {INADDR_LOOPBACK, INADDR_ANY}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(host);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (!ok) return false;
  }
  return true;
}

// The range test ports come from: below Linux's ephemeral range (32768-60999), so the kernel
// never hands one of them out as the local port of an outgoing connection or to a listener
// bound to port 0 (servers started with -p -1 and nats-server's random ports).
constexpr int claim_first = 20000, claim_count = 12000;

}  // namespace

int free_port() {
  // ctest runs test processes in parallel: a port released by one process after checking it
  // was free could be picked by another one (a CI run failed with "Address already in use").
  // Each port is therefore claimed across processes with an exclusive lock on a file named
  // after it, held (the descriptor stays open) until this process exits, when the kernel
  // drops it, even on a crash. Claimed ports are never handed out twice in this process.
  static std::mutex mutex;
  static std::set<int> handed_out;
  static uint32_t next = static_cast<uint32_t>(::getpid()) * 7919u;
  std::lock_guard<std::mutex> guard{mutex};
  const std::string dir = "/tmp/gnatsd-test-ports";
  ::mkdir(dir.c_str(), 0777);
  for (int tries = 0; tries < claim_count; ++tries) {
    const int port = claim_first + static_cast<int>(next++ % claim_count);
    if (handed_out.count(port) != 0) continue;
    const int fd = ::open((dir + "/" + std::to_string(port)).c_str(), O_CREAT | O_RDWR, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !bindable(port)) {
      ::close(fd);
      continue;
    }
    handed_out.insert(port);  // the descriptor is kept open on purpose: it holds the claim
    return port;
  }
  throw std::runtime_error("no free test port left in " + std::to_string(claim_first) + "-" +
                           std::to_string(claim_first + claim_count - 1));
}

namespace {

// True while the process runs; false once it exited (a zombie not yet reaped counts as gone).
bool alive(int pid) {
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string pid_field, name, state;
  if (!(stat >> pid_field >> name >> state)) return false;
  return state != "Z";
}

}  // namespace

server_process::server_process(std::string binary, std::vector<std::string> args,
                               std::string log_file) {
  static int counter = 0;
  log_path_ =
      "/tmp/gnatsd_e2e_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".log";
  server_log_ = log_file.empty() ? log_path_ : log_file;
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    argv.push_back(binary.data());
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
  // gnatsd logs the guide's "server is ready"; nats-server 2.9 logs "Server is ready".
  if (!wait_for_log("erver is ready")) {
    const std::string l = log();
    stop(SIGKILL);
    throw std::runtime_error("server did not start: " + l);
  }
  const std::string marker = "Listening for client connections on ";
  const std::string l = log();
  const auto at = l.find(marker);
  const auto eol = l.find('\n', at);
  const std::string address = l.substr(at + marker.size(), eol - at - marker.size());
  port_ = std::stoi(address.substr(address.rfind(':') + 1));
}

server_process::~server_process() {
  if (pid_ > 0) stop(SIGKILL);
  ::unlink(log_path_.c_str());
}

std::string server_process::output() const {
  std::ifstream in{log_path_};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int server_process::http_port() const {
  const std::string text = log();
  const std::string marker = "Starting http monitor on ";
  const auto at = text.find(marker);
  if (at == std::string::npos) return 0;
  const auto eol = text.find('\n', at);
  const std::string address = text.substr(at + marker.size(), eol - at - marker.size());
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
}

std::string server_process::log() const {
  std::ifstream in{server_log_};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool server_process::wait_for_log(const std::string& text,
                                  std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (log().find(text) != std::string::npos) return true;
    if (pid_ > 0 && !alive(pid_)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return log().find(text) != std::string::npos;
}

int server_process::stop(int sig, std::chrono::milliseconds deadline) {
  if (pid_ <= 0) return -1;
  if (sig != 0) ::kill(pid_, sig);
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

int connect_loopback(int port, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  return fd;
}

raw_client::raw_client(int port, int receive_buffer)
    : fd_(connect_loopback(port, receive_buffer)) {}

raw_listener::raw_listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 8) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("listen failed");
  port_ = ntohs(addr.sin_port);
}

raw_listener::~raw_listener() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> raw_listener::accept_one(std::chrono::milliseconds deadline) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(deadline.count())) <= 0) return std::nullopt;
  const int conn = ::accept(fd_, nullptr, nullptr);
  if (conn < 0) return std::nullopt;
  std::string bytes;
  pollfd c{conn, POLLIN, 0};
  char buf[4096];
  if (::poll(&c, 1, 1000) > 0) {
    const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
    if (n > 0) bytes.assign(buf, static_cast<size_t>(n));
  }
  ::close(conn);
  return bytes;
}

raw_client::~raw_client() {
  if (fd_ >= 0) ::close(fd_);
}

void raw_client::send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

bool raw_client::read_some(int timeout_ms) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  received_.append(buf, static_cast<size_t>(n));
  return true;
}

std::string raw_client::read_until(const std::string& text, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (received_.find(text) == std::string::npos && !closed_ &&
         std::chrono::steady_clock::now() < until)
    read_some(20);
  return received_;
}

bool raw_client::wait_closed(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!closed_ && std::chrono::steady_clock::now() < until)
    read_some(20);
  return closed_;
}

std::string http_get(int port, const std::string& path, int* status) {
  raw_client c{port};
  // HTTP/1.0: the whole body follows the headers (Go answers HTTP/1.1 with chunks).
  c.send("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  c.wait_closed(std::chrono::seconds{10});
  const std::string& r = c.received();
  if (status && r.size() > 12) *status = std::stoi(r.substr(9, 3));
  const auto body = r.find("\r\n\r\n");
  return body == std::string::npos ? std::string{} : r.substr(body + 4);
}

}  // namespace gnatsd::testing
