#include "proto/msg_encoder.hpp"

#include "proto/wire.hpp"

namespace gnatsd::proto {
namespace {

void append_head(std::vector<char>& out, std::string_view op, std::string_view subject,
                 std::string_view sid, std::string_view reply) {
  append_text(out, op);
  append_text(out, subject);
  out.push_back(' ');
  append_text(out, sid);
  out.push_back(' ');
  if (!reply.empty()) {
    append_text(out, reply);
    out.push_back(' ');
  }
}

}  // namespace

void append_msg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                std::string_view reply, std::string_view payload) {
  append_head(out, "MSG ", subject, sid, reply);
  append_sizes_and_message(out, false, 0, payload);
}

void append_hmsg(std::vector<char>& out, std::string_view subject, std::string_view sid,
                 std::string_view reply, size_t header_size, std::string_view message) {
  append_head(out, "HMSG ", subject, sid, reply);
  append_sizes_and_message(out, true, header_size, message);
}

}  // namespace gnatsd::proto
