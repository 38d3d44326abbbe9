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

void append_routed_message(std::vector<char>& out, std::string_view account,
                           std::string_view subject, std::string_view reply,
                           const std::vector<std::string_view>& queues, bool headers,
                           size_t header_size, std::string_view message) {
  append_text(out, headers ? "HMSG " : "RMSG ");
  append_text(out, account);
  out.push_back(' ');
  append_text(out, subject);
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
  append_sizes_and_message(out, headers, header_size, message);
}

}  // namespace gnatsd::proto
