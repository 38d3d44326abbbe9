// Encoders for the frames a server sends clients: MSG and HMSG.
//
// They append into a caller-owned buffer (a delivery batch), so encoding a message costs no
// allocation once the buffer has grown to its working size.
#pragma once

#include <string_view>
#include <vector>

#include "proto/message_view.hpp"

namespace gnatsd::proto {

/// Appends `MSG <subject> <sid> [reply] <#bytes>\r\n<payload>\r\n`: the payload only (a
/// client that did not ask for headers gets the message without them).
void append_msg(std::vector<char>& out, const message_view& m, std::string_view sid);

/// Appends `HMSG <subject> <sid> [reply] <#hdr> <#total>\r\n<headers+payload>\r\n`.
void append_hmsg(std::vector<char>& out, const message_view& m, std::string_view sid);

}  // namespace gnatsd::proto
