#include "app/signal_sender.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace gnatsd {
namespace {

bool parse_pid(const std::string& s, int& pid) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size() && pid > 0;
}

// The pids of other processes whose command name is `name` (like `pgrep name`).
std::vector<int> processes_named(const std::string& name) {
  std::vector<int> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return out;
  while (dirent* e = ::readdir(proc)) {
    int pid = 0;
    if (!parse_pid(e->d_name, pid) || pid == ::getpid()) continue;
    std::ifstream comm{std::string{"/proc/"} + e->d_name + "/comm"};
    std::string c;
    if (std::getline(comm, c) && c == name) out.push_back(pid);
  }
  ::closedir(proc);
  return out;
}

// Resolves the target to a pid; on failure returns the error text.
std::string resolve(const std::string& target, const std::string& name, int& pid) {
  if (target.empty()) {
    const auto pids = processes_named(name);
    if (pids.empty()) return "no " + name + " processes running";
    if (pids.size() > 1) {
      std::string list = "multiple " + name + " processes running:";
      for (int p : pids)
        list += "\n" + std::to_string(p);
      return list;
    }
    pid = pids.front();
    return {};
  }
  if (parse_pid(target, pid)) return {};
  // Not a number: a pid file, whose content must be exactly a pid (as nats-server reads it).
  std::ifstream in{target};
  if (!in) return "invalid pid: " + target;
  std::stringstream content;
  content << in.rdbuf();
  if (!parse_pid(content.str(), pid)) return "invalid pid: " + content.str();
  return {};
}

}  // namespace

int send_signal_command(const signal_command& cmd, const std::string& program) {
  const std::string name = "gnatsd";
  int pid = 0;
  if (auto err = resolve(cmd.target, name, pid); !err.empty()) {
    std::cerr << program << ": " << err << "\n";
    return 1;
  }
  if (::kill(pid, cmd.signal) != 0) {
    std::cerr << program << ": " << (errno == ESRCH ? "no such process" : std::strerror(errno))
              << "\n";
    return 1;
  }
  return 0;
}

}  // namespace gnatsd
