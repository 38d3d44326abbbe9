// Encoders for the frames a server sends clients: MSG and HMSG.
//
// They append into a caller-owned buffer (a delivery batch), so encoding a message costs no
// allocation once the buffer has grown to its working size.
#pragma once

#include <string_view>
#include <vector>

namespace gnatsd::proto {

/// Appends `MSG <subject> <sid> [reply] <#bytes>\r\n<payload>\r\n`.
void append_msg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                std::string_view reply, std::string_view payload);

/// Appends `HMSG <subject> <sid> [reply] <#hdr> <#total>\r\n<headers+payload>\r\n`.
void append_hmsg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                 std::string_view reply, size_t header_size, std::string_view message);

}  // namespace gnatsd::proto
