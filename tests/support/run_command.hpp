// Runs the gnatsd binary to completion (for flags that exit: -t, -h, --signal ...).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "server_process.hpp"

namespace gnatsd::testing {

struct command_result {
  int code;            // the exit code, -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

inline command_result run_gnatsd(const std::string& args) {
  const std::string cmd = gnatsd_binary() + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p))
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace gnatsd::testing
