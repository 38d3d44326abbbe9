// What routed message lines share, whichever connection reads them (RMSG/HMSG on routes and
// gateways, LMSG/HMSG on leafnodes): the arguments between the subject and the sizes, and
// keeping the argument views valid when the payload spans reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/route_parser.hpp"

namespace gnatsd::proto {

/// Reads args[begin, end), what lies between the subject and the sizes: nothing, a reply
/// (whatever it is: nats-server takes "+" or "|" alone as one), `+ <reply> [queues...]` or
/// `| [queues...]`. False if a marker is neither "+" nor "|".
bool read_reply_and_queues(const std::vector<std::string_view>& args, size_t begin, size_t end,
                           std::string_view& reply, std::vector<std::string_view>& queues);

/// The payload spans reads: copies the argument text `args` into `owned` and re-points every
/// view of `m` (and its queue names) into the copy.
void keep_message_args(std::string_view args, std::string& owned, routed_message& m,
                       std::vector<std::string_view>& queues);

}  // namespace gnatsd::proto
