#include "proto/protocol_parser.hpp"

#include <cstring>

#include "util/assert.hpp"

namespace gnatsd::proto {
namespace {

constexpr size_t max_args = 4;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// Case-insensitive check that `s` starts with the upper-case keyword `kw`.
bool starts_with_keyword(std::string_view s, std::string_view kw) {
  if (s.size() < kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i)
    if (upper(s[i]) != kw[i]) return false;
  return true;
}

// Splits `s` on runs of spaces and tabs. Returns the number of arguments found, or
// max_args + 1 if there are more than max_args.
size_t split_args(std::string_view s, std::string_view (&out)[max_args]) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i]))
      ++i;
    if (i == s.size()) break;
    const size_t start = i;
    while (i < s.size() && !is_space(s[i]))
      ++i;
    if (n == max_args) return max_args + 1;
    out[n++] = s.substr(start, i - start);
  }
  return n;
}

parse_status fail(error_code code) {
  return parse_status{false, code, false};
}

parse_status stopped() {
  return parse_status{false, error_code::unknown_protocol_operation, true};
}

// The op keywords a client may send, each followed by what must come after it.
struct keyword {
  std::string_view text;
  bool needs_space;  // PUB/SUB/...: a space or tab must follow; PING/PONG/+OK: anything may
};

constexpr keyword client_keywords[] = {
    {"PUB", true},   {"HPUB", true},     {"SUB", true},   {"UNSUB", true}, {"PING", false},
    {"PONG", false}, {"CONNECT", false}, {"INFO", false}, {"+OK", false},  {"-ERR", false},
};

}  // namespace

int64_t parse_size(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool protocol_parser::line_prefix_possible() const {
  // A partial line is checked early so that garbage gets its -ERR at once, as nats-server's
  // byte-at-a-time parser does, instead of when a newline finally arrives.
  for (const auto& kw : client_keywords) {
    const size_t n = std::min(line_.size(), kw.text.size());
    if (starts_with_keyword(std::string_view{line_}.substr(0, n), kw.text.substr(0, n))) {
      if (line_.size() <= kw.text.size() || !kw.needs_space || is_space(line_[kw.text.size()]))
        return true;
    }
  }
  return false;
}

parse_status protocol_parser::parse(const char* data, size_t size, client_op_handler& handler) {
  size_t pos = 0;
  while (pos < size) {
    if (awaiting_payload_) {
      auto st = continue_payload(data, size, pos, handler);
      if (!st.ok) return st;
      continue;
    }
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    if (nl == nullptr) {
      line_.append(data + pos, size - pos);
      if (limits_.max_control_line != 0 && line_.size() > limits_.max_control_line)
        return fail(error_code::maximum_control_line_exceeded);
      if (!line_prefix_possible()) return fail(error_code::unknown_protocol_operation);
      return parse_status{};
    }
    const size_t end = static_cast<const char*>(nl) - data;
    std::string_view line;
    if (line_.empty()) {
      line = std::string_view{data + pos, end - pos};
    } else {
      line_.append(data + pos, end - pos);
      line = line_;
    }
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto st = process_line(line, data, size, pos, handler);
    // The line buffer may back the views just used; it is free again only now.
    line_.clear();
    if (!st.ok) return st;
  }
  return parse_status{};
}

parse_status protocol_parser::process_line(std::string_view line, const char* data, size_t size,
                                           size_t& pos, client_op_handler& handler) {
  const keyword* op = nullptr;
  for (const auto& kw : client_keywords) {
    if (!starts_with_keyword(line, kw.text)) continue;
    if (kw.needs_space && (line.size() == kw.text.size() || !is_space(line[kw.text.size()])))
      continue;
    op = &kw;
    break;
  }
  if (op == nullptr) return fail(error_code::unknown_protocol_operation);
  std::string_view rest = line.substr(op->text.size());
  // nats-server measures the arguments, without the op and the separating whitespace.
  while (!rest.empty() && is_space(rest.front()))
    rest.remove_prefix(1);
  if (op->needs_space && limits_.max_control_line != 0 && rest.size() > limits_.max_control_line)
    return fail(error_code::maximum_control_line_exceeded);
  const char first = upper(line[0]);
  const size_t kw_len = op->text.size();
  std::string_view args[max_args];
  switch (first) {
    case 'P':
      if (kw_len == 3) return start_payload(pub_kind::pub, rest, data, size, pos, handler);
      if (upper(line[1]) == 'I') return handler.on_ping() ? parse_status{} : stopped();
      return handler.on_pong() ? parse_status{} : stopped();
    case 'H':
      if (!headers_enabled_) return fail(error_code::headers_not_supported);
      return start_payload(pub_kind::hpub, rest, data, size, pos, handler);
    case 'S': {
      const size_t n = split_args(rest, args);
      if (n == 2) return handler.on_sub(args[0], {}, args[1]) ? parse_status{} : stopped();
      if (n == 3) return handler.on_sub(args[0], args[1], args[2]) ? parse_status{} : stopped();
      return fail(error_code::protocol_arguments);
    }
    case 'U': {
      const size_t n = split_args(rest, args);
      if (n == 1) return handler.on_unsub(args[0], {}) ? parse_status{} : stopped();
      if (n == 2) return handler.on_unsub(args[0], args[1]) ? parse_status{} : stopped();
      return fail(error_code::protocol_arguments);
    }
    case 'C': {
      if (limits_.max_control_line != 0 && rest.size() > limits_.max_control_line)
        return fail(error_code::maximum_control_line_exceeded);
      return handler.on_connect(rest) ? parse_status{} : stopped();
    }
    case 'I':  // INFO from a client is ignored, as by nats-server.
    case '+':  // so is +OK
      return parse_status{};
    case '-':
      return fail(error_code::client_sent_error);
    default:
      GNATSD_ASSERT(false);
  }
  return parse_status{};
}

parse_status protocol_parser::start_payload(pub_kind kind, std::string_view line_args,
                                            const char* data, size_t size, size_t& pos,
                                            client_op_handler& handler) {
  std::string_view args[max_args];
  const size_t n = split_args(line_args, args);
  std::string_view subject, reply;
  int64_t header_size = 0, total = 0;
  if (kind == pub_kind::pub) {
    if (n != 2 && n != 3) return fail(error_code::protocol_arguments);
    subject = args[0];
    reply = n == 3 ? args[1] : std::string_view{};
    total = parse_size(args[n - 1]);
  } else {
    if (n != 3 && n != 4) return fail(error_code::protocol_arguments);
    subject = args[0];
    reply = n == 4 ? args[1] : std::string_view{};
    header_size = parse_size(args[n - 2]);
    total = parse_size(args[n - 1]);
    if (header_size < 0) return fail(error_code::bad_size);
  }
  if (total < 0) return fail(error_code::bad_size);
  if (header_size > total) return fail(error_code::bad_header_size);
  if (limits_.max_payload != 0 && static_cast<size_t>(total) > limits_.max_payload)
    return fail(error_code::maximum_payload_violation);

  const size_t need = static_cast<size_t>(total) + 2;
  if (size - pos >= need) {
    // The whole payload is in this buffer: hand out a view, no copy (the payload jump).
    std::string_view message{data + pos, need};
    pos += need;
    pending_kind_ = kind;
    pending_header_size_ = static_cast<size_t>(header_size);
    if (message[need - 2] != '\r' || message[need - 1] != '\n')
      return fail(error_code::unknown_protocol_operation);
    message.remove_suffix(2);
    const bool go_on = kind == pub_kind::pub
                           ? handler.on_pub(subject, reply, message)
                           : handler.on_hpub(subject, reply, pending_header_size_, message);
    return go_on ? parse_status{} : stopped();
  }
  awaiting_payload_ = true;
  pending_kind_ = kind;
  pending_subject_.assign(subject);
  pending_reply_.assign(reply);
  pending_header_size_ = static_cast<size_t>(header_size);
  pending_total_ = need;
  payload_.clear();
  payload_.reserve(need);
  return parse_status{};
}

parse_status protocol_parser::continue_payload(const char* data, size_t size, size_t& pos,
                                               client_op_handler& handler) {
  GNATSD_ASSERT(payload_.size() < pending_total_);
  const size_t take = std::min(pending_total_ - payload_.size(), size - pos);
  payload_.append(data + pos, take);
  pos += take;
  if (payload_.size() < pending_total_) return parse_status{};
  awaiting_payload_ = false;
  return dispatch_payload(payload_, handler);
}

parse_status protocol_parser::dispatch_payload(std::string_view message,
                                               client_op_handler& handler) {
  const size_t n = message.size();
  GNATSD_ASSERT(n >= 2);
  if (message[n - 2] != '\r' || message[n - 1] != '\n')
    return fail(error_code::unknown_protocol_operation);
  message.remove_suffix(2);
  const bool go_on =
      pending_kind_ == pub_kind::pub
          ? handler.on_pub(pending_subject_, pending_reply_, message)
          : handler.on_hpub(pending_subject_, pending_reply_, pending_header_size_, message);
  return go_on ? parse_status{} : stopped();
}

}  // namespace gnatsd::proto
