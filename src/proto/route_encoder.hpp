// Encoders for the frames one server sends another over a route (nats-server 2.x): RS+,
// RS-, and RMSG/HMSG in the three forms. They append into a caller-owned buffer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "proto/message_view.hpp"

namespace gnatsd::proto {

/// `RS+ <account> <subject>\r\n`, or with a queue `RS+ <account> <subject> <queue> <weight>`.
void append_remote_sub(std::vector<char>& out, std::string_view account, std::string_view subject,
                       std::string_view queue, int32_t weight);

/// `RS- <account> <subject> [<queue>]\r\n`.
void append_remote_unsub(std::vector<char>& out, std::string_view account, std::string_view subject,
                         std::string_view queue);

/// RMSG (header_size == 0 and !headers) or HMSG, choosing the form from reply and queues:
/// `[reply]`, `+ <reply> <queues...>` or `| <queues...>`.
void append_routed_message(std::vector<char>& out, std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues);

}  // namespace gnatsd::proto
