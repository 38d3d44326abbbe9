#include "proto/route_encoder.hpp"

#include <string>

namespace gnatsd::proto {
namespace {

void put(std::vector<char>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

void put_number(std::vector<char>& out, size_t n) {
  char digits[24];
  size_t len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (len > 0)
    out.push_back(digits[--len]);
}

}  // namespace

void append_remote_sub(std::vector<char>& out, std::string_view account, std::string_view subject,
                       std::string_view queue, int32_t weight) {
  put(out, "RS+ ");
  put(out, account);
  out.push_back(' ');
  put(out, subject);
  if (!queue.empty()) {
    out.push_back(' ');
    put(out, queue);
    out.push_back(' ');
    put_number(out, static_cast<size_t>(weight));
  }
  put(out, "\r\n");
}

void append_remote_unsub(std::vector<char>& out, std::string_view account, std::string_view subject,
                         std::string_view queue) {
  put(out, "RS- ");
  put(out, account);
  out.push_back(' ');
  put(out, subject);
  if (!queue.empty()) {
    out.push_back(' ');
    put(out, queue);
  }
  put(out, "\r\n");
}

void append_routed_message(std::vector<char>& out, std::string_view account,
                           std::string_view subject, std::string_view reply,
                           const std::vector<std::string_view>& queues, bool headers,
                           size_t header_size, std::string_view message) {
  put(out, headers ? "HMSG " : "RMSG ");
  put(out, account);
  out.push_back(' ');
  put(out, subject);
  out.push_back(' ');
  if (!queues.empty()) {
    if (reply.empty()) {
      put(out, "| ");
    } else {
      put(out, "+ ");
      put(out, reply);
      out.push_back(' ');
    }
    for (auto q : queues) {
      put(out, q);
      out.push_back(' ');
    }
  } else if (!reply.empty()) {
    put(out, reply);
    out.push_back(' ');
  }
  if (headers) {
    put_number(out, header_size);
    out.push_back(' ');
  }
  put_number(out, message.size());
  put(out, "\r\n");
  put(out, message);
  put(out, "\r\n");
}

}  // namespace gnatsd::proto
