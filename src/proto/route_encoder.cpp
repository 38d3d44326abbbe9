#include "proto/route_encoder.hpp"

#include "proto/wire.hpp"

namespace gnatsd::proto {

void append_remote_sub(std::vector<char>& out, std::string_view account, std::string_view subject,
                       std::string_view queue, int32_t weight, std::string_view origin) {
  if (origin.empty()) {
    append_text(out, "RS+ ");
  } else {
    append_text(out, "LS+ ");
    append_text(out, origin);
    out.push_back(' ');
  }
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

namespace {

// Between the subject and the sizes: `[reply]`, `+ <reply> <queues...>` or `| <queues...>`.
void append_reply_and_queues(std::vector<char>& out, std::string_view reply,
                             const std::vector<std::string_view>& queues) {
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
}

}  // namespace

void append_routed_message(std::vector<char>& out, std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues) {
  append_text(out, m.headers ? "HMSG " : "RMSG ");
  append_text(out, account);
  out.push_back(' ');
  append_text(out, m.subject);
  out.push_back(' ');
  append_reply_and_queues(out, m.reply, queues);
  append_sizes_and_message(out, m.headers, m.header_size, m.message);
}

void append_origin_message(std::vector<char>& out, std::string_view origin,
                           std::string_view account, const message_view& m,
                           const std::vector<std::string_view>& queues) {
  append_text(out, "LMSG ");
  append_text(out, origin);
  out.push_back(' ');
  append_text(out, account);
  out.push_back(' ');
  append_text(out, m.subject);
  out.push_back(' ');
  append_reply_and_queues(out, m.reply, queues);
  append_sizes_and_message(out, true, m.headers ? m.header_size : 0, m.message);
}

void append_leaf_message(std::vector<char>& out, const message_view& m,
                         const std::vector<std::string_view>& queues, bool peer_headers) {
  const bool hmsg = m.headers && peer_headers;
  append_text(out, hmsg ? "HMSG " : "LMSG ");
  append_text(out, m.subject);
  out.push_back(' ');
  append_reply_and_queues(out, m.reply, queues);
  append_sizes_and_message(out, hmsg, m.header_size, hmsg ? m.message : m.payload());
}

void append_leaf_interest(std::string& out, std::string_view key, int32_t count) {
  out += count > 0 ? "LS+ " : "LS- ";
  out.append(key.data(), key.size());
  if (count > 0 && key.find(' ') != std::string_view::npos) {
    out += ' ';
    out += std::to_string(count);
  }
  out += "\r\n";
}

}  // namespace gnatsd::proto
