// Reads back the MSG frames the server encoded for one destination (msg_encoder.hpp): the
// system account's service receives its requests as delivery batches like any subscriber,
// without headers (it does not negotiate them, so publishers strip them).
#pragma once

#include <functional>
#include <string_view>

namespace gnatsd::proto {

struct delivered_msg {
  std::string_view subject;
  std::string_view reply;
  std::string_view payload;
};

/// Calls `each` for every `MSG <subject> <sid> [reply] <size>\r\n<payload>\r\n` in `bytes`;
/// stops at the first frame that is not one (returns false then).
bool for_each_msg(std::string_view bytes, const std::function<void(const delivered_msg&)>& each);

}  // namespace gnatsd::proto
