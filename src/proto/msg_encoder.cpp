#include "proto/msg_encoder.hpp"

#include "proto/wire.hpp"

#include <cstring>

namespace gnatsd::proto {
namespace {

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

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

void append_msg(std::vector<char>& out, const message_view& m, std::string_view sid) {
  const std::string_view subject = m.subject, reply = m.reply, payload = m.payload();
  // The hot path of every delivery: build the frame in a stack buffer and append it with one
  // insert (many small inserts cost a capacity check and a memmove each). Frames too large
  // for the buffer take the general path below.
  char frame[512];
  const size_t fixed = 4 + subject.size() + 1 + sid.size() + 1 + reply.size() + 1 + 10 + 2 + 2;
  if (fixed + payload.size() <= sizeof frame) {
    char* p = frame;
    p = put(p, "MSG ");
    p = put(p, subject);
    *p++ = ' ';
    p = put(p, sid);
    *p++ = ' ';
    if (!reply.empty()) {
      p = put(p, reply);
      *p++ = ' ';
    }
    p = put_decimal(p, payload.size());
    p = put(p, "\r\n");
    p = put(p, payload);
    p = put(p, "\r\n");
    out.insert(out.end(), frame, p);
    return;
  }
  append_head(out, "MSG ", subject, sid, reply);
  append_sizes_and_message(out, false, 0, payload);
}

void append_hmsg(std::vector<char>& out, const message_view& m, std::string_view sid) {
  append_head(out, "HMSG ", m.subject, sid, m.reply);
  append_sizes_and_message(out, true, m.header_size, m.message);
}

}  // namespace gnatsd::proto
