// Encoders for the frames one server sends another over a route (nats-server 2.x): RS+,
// RS-, and RMSG/HMSG in the three forms. They append into a caller-owned buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/message_view.hpp"

namespace gnatsd::proto {

/// `RS+ <account> <subject>\r\n`, or with a queue `RS+ <account> <subject> <queue> <weight>`;
/// with an `origin` (interest of a leafnode cluster) `LS+ <origin> <account> ...`.
void append_remote_sub(std::vector<char>& out, std::string_view account, std::string_view subject,
                       std::string_view queue, int32_t weight, std::string_view origin = {});

/// `RS- <account> <subject> [<queue>]\r\n`.
void append_remote_unsub(std::vector<char>& out, std::string_view account, std::string_view subject,
                         std::string_view queue);

/// RMSG (header_size == 0 and !headers) or HMSG, choosing the form from reply and queues:
/// `[reply]`, `+ <reply> <queues...>` or `| <queues...>`.
void append_routed_message(std::vector<char>& out, std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues);

/// A message from a leafnode connection of cluster `origin`, to a route peer that said `lnoc`
/// (leafnode origin cluster): `LMSG <origin> <account> <subject> [...] <hdr> <total>`, always
/// with a header size (0 without headers), as nats-server 2.9 sends it.
void append_origin_message(std::vector<char>& out, std::string_view origin,
                           std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues);

/// To a leafnode connection (bound to one account, so none is named): LMSG, or HMSG when the
/// message has headers and `peer_headers`; headers are stripped for a peer without them.
void append_leaf_message(std::vector<char>& out, const message_view& m,
                         const std::vector<std::string_view>& queues, bool peer_headers);

/// `LS+ <subject>[ <queue> <weight>]\r\n` or `LS- <subject>[ <queue>]\r\n` for a leafnode.
void append_leaf_interest(std::string& out, std::string_view key, int32_t count);

}  // namespace gnatsd::proto
