// One message as it travels from the parser through routing to the encoders: views into the
// publisher's read buffer, valid while that buffer is being processed.
#pragma once

#include <cstddef>
#include <string_view>

namespace gnatsd::proto {

struct message_view {
  std::string_view subject;
  std::string_view reply;    // empty: no reply subject
  bool headers = false;      // HPUB/HMSG: `message` starts with a header section
  size_t header_size = 0;    // its size (0 without headers)
  std::string_view message;  // the headers followed by the payload

  std::string_view payload() const { return message.substr(header_size); }
};

}  // namespace gnatsd::proto
