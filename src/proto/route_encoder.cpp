#include "proto/route_encoder.hpp"

#include "proto/wire.hpp"

namespace gnatsd::proto {

void append_remote_sub(std::vector<char>& out, std::string_view account, std::string_view subject,
                       std::string_view queue, int32_t weight) {
  append_text(out, "RS+ ");
  append_text(out, account);
  out.push_back(' ');
  append_text(out, subject);
  if (!queue.empty()) {
    out.push_back(' ');
    append_text(out, queue);
    out.push_back(' ');
    append_decimal(out, static_cast<size_t>(weight));
  }
  append_text(out, "\r\n");
}

void append_remote_unsub(std::vector<char>& out, std::string_view account, std::string_view subject,
                         std::string_view queue) {
  append_text(out, "RS- ");
  append_text(out, account);
  out.push_back(' ');
  append_text(out, subject);
  if (!queue.empty()) {
    out.push_back(' ');
    append_text(out, queue);
  }
  append_text(out, "\r\n");
}

void append_routed_message(std::vector<char>& out, std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues) {
  const std::string_view reply = m.reply;
  append_text(out, m.headers ? "HMSG " : "RMSG ");
  append_text(out, account);
  out.push_back(' ');
  append_text(out, m.subject);
  out.push_back(' ');
  if (!queues.empty()) {
    if (reply.empty()) {
      append_text(out, "| ");
    } else {
      append_text(out, "+ ");
      append_text(out, reply);
      out.push_back(' ');
    }
    for (auto q : queues) {
      append_text(out, q);
      out.push_back(' ');
    }
  } else if (!reply.empty()) {
    append_text(out, reply);
    out.push_back(' ');
  }
  append_sizes_and_message(out, m.headers, m.header_size, m.message);
}

}  // namespace gnatsd::proto
