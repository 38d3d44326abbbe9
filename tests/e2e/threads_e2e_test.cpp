// The program's threads follow the cores it may run on (its CPU affinity), or the options:
// the plan is logged at debug level when the server starts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

std::vector<std::string> pinned(const std::string& cpus, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"-c", cpus, gnatsd_binary()};
  for (auto& a : local_args(std::move(extra)))
    args.push_back(std::move(a));
  args.emplace_back("-D");
  return args;
}

TEST(ThreadsE2E, WorkersFollowTheCpuAffinity) {
  server_process one{"/usr/bin/taskset", pinned("0")};
  EXPECT_TRUE(one.wait_for_log("Running 1 actor workers on 1 cores")) << one.log();
  server_process two{"/usr/bin/taskset", pinned("0,1")};
  EXPECT_TRUE(two.wait_for_log("Running 2 actor workers on 2 cores")) << two.log();
}

TEST(ThreadsE2E, OptionsSetThem) {
  server_process flags{"/usr/bin/taskset", pinned("0", {"--workers", "3"})};
  EXPECT_TRUE(flags.wait_for_log("Running 3 actor workers on 1 cores")) << flags.log();
  server_process config{
      gnatsd_binary(),
      local_args({"-D", "-c", write_config("threads.conf", "worker_threads: 2\n")})};
  EXPECT_TRUE(config.wait_for_log("Running 2 actor workers")) << config.log();
}

}  // namespace
}  // namespace gnatsd::testing
