#include "proto/framed_parser.hpp"

#include <cstring>

#include "proto/tokens.hpp"
#include "util/assert.hpp"

namespace gnatsd::proto {

int64_t parse_size(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

parse_status framed_parser::parse_frames(const char* data, size_t size) {
  data_ = data;
  size_ = size;
  pos_ = 0;
  while (pos_ < size_) {
    if (awaiting_payload_) {
      GNATSD_ASSERT(payload_.size() < pending_total_);
      const size_t take = std::min(pending_total_ - payload_.size(), size_ - pos_);
      payload_.append(data_ + pos_, take);
      pos_ += take;
      if (payload_.size() < pending_total_) return parse_status{};
      awaiting_payload_ = false;
      auto st = finish_payload(payload_);
      if (payload_.capacity() > 64 * 1024) std::string{}.swap(payload_);  // give big ones back
      payload_.clear();
      if (!st.ok) return st;
      continue;
    }
    const void* nl = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (nl == nullptr) {
      line_.append(data_ + pos_, size_ - pos_);
      // An impossible op is reported before the length, whatever the read sizes: nats-server's
      // byte-at-a-time parser rejects it at its first bad byte (found by fuzz_client_parser).
      if (!partial_line_possible(line_))
        return parse_status::fail(error_code::unknown_protocol_operation);
      // A partial line may end in the CR of its CRLF; the whole line is measured without it.
      std::string_view held = line_;
      if (held.back() == '\r') held.remove_suffix(1);
      if (over_control_line_limit(held, measured_length(held)))
        return parse_status::fail(error_code::maximum_control_line_exceeded);
      return parse_status{};
    }
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data_);
    std::string_view line;
    if (line_.empty()) {
      line = std::string_view{data_ + pos_, end - pos_};
    } else {
      line_.append(data_ + pos_, end - pos_);
      line = line_;
    }
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto st = process_line(line);
    // The line buffer may back the views just used; it is free again only now.
    line_.clear();
    if (!st.ok) return st;
  }
  return parse_status{};
}

bool framed_parser::over_control_line_limit(std::string_view line, size_t measured) const {
  const size_t mcl = limits_.max_control_line;
  // Padding is not measured but must not grow the line buffer without bound.
  return mcl != 0 && (measured > mcl || line.size() > mcl + unmeasured_slack);
}

parse_status framed_parser::expect_payload(size_t total) {
  const size_t need = total + 2;
  if (size_ - pos_ >= need) {
    // The whole payload is in this read buffer: hand out a view, no copy (the payload jump).
    std::string_view message{data_ + pos_, need};
    pos_ += need;
    return finish_payload(message);
  }
  awaiting_payload_ = true;
  pending_total_ = need;
  payload_.clear();
  payload_.reserve(need);
  return parse_status{};
}

parse_status framed_parser::read_sizes(const std::string_view* args, size_t n, bool headers,
                                       size_t& header_size, size_t& total) const {
  GNATSD_ASSERT(n >= (headers ? 2u : 1u));
  int64_t hdr = 0;
  if (headers) {
    hdr = parse_size(args[n - 2]);
    if (hdr < 0) return parse_status::fail(error_code::bad_size);
  }
  const int64_t all = parse_size(args[n - 1]);
  if (all < 0) return parse_status::fail(error_code::bad_size);
  if (hdr > all) return parse_status::fail(error_code::bad_header_size);
  if (limits_.max_payload != 0 && static_cast<size_t>(all) > limits_.max_payload)
    return parse_status::fail(error_code::maximum_payload_violation);
  header_size = static_cast<size_t>(hdr);
  total = static_cast<size_t>(all);
  return parse_status{};
}

parse_status framed_parser::finish_payload(std::string_view with_crlf) {
  const size_t n = with_crlf.size();
  GNATSD_ASSERT(n >= 2);
  if (with_crlf[n - 2] != '\r' || with_crlf[n - 1] != '\n')
    return parse_status::fail(error_code::unknown_protocol_operation);
  return process_payload(with_crlf.substr(0, n - 2));
}

parse_status framed_parser::skip_publish(bool headers, bool headers_enabled, std::string_view args,
                                         std::vector<std::string_view>& scratch) {
  if (headers && !headers_enabled) return parse_status::fail(error_code::headers_not_supported);
  split_args(args, scratch);
  const size_t sizes = headers ? 2 : 1;
  if (scratch.size() < 1 + sizes || scratch.size() > 2 + sizes)
    return parse_status::fail(error_code::protocol_arguments);
  size_t header_size = 0, total = 0;
  if (auto st = read_sizes(scratch.data(), scratch.size(), headers, header_size, total); !st.ok)
    return st;
  return expect_payload(total);
}

}  // namespace gnatsd::proto
