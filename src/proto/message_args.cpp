#include "proto/message_args.hpp"

namespace gnatsd::proto {

bool read_reply_and_queues(const std::vector<std::string_view>& args, size_t begin, size_t end,
                           std::string_view& reply, std::vector<std::string_view>& queues) {
  queues.clear();
  if (end - begin == 1) {
    reply = args[begin];
    return true;
  }
  if (end - begin < 2) return true;
  const std::string_view marker = args[begin];
  size_t first_queue = begin + 1;
  if (marker == "+") {
    reply = args[begin + 1];
    first_queue = begin + 2;
  } else if (marker != "|") {
    return false;
  }
  queues.assign(args.begin() + static_cast<std::ptrdiff_t>(first_queue),
                args.begin() + static_cast<std::ptrdiff_t>(end));
  return true;
}

void keep_message_args(std::string_view args, std::string& owned, routed_message& m,
                       std::vector<std::string_view>& queues) {
  owned.assign(args.data(), args.size());
  auto rebase = [&](std::string_view& v) {
    if (v.empty()) return;
    v = std::string_view{owned.data() + (v.data() - args.data()), v.size()};
  };
  rebase(m.origin);
  rebase(m.account);
  rebase(m.subject);
  rebase(m.reply);
  for (auto& q : queues)
    rebase(q);
}

}  // namespace gnatsd::proto
