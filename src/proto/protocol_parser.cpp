#include "proto/protocol_parser.hpp"

#include "util/assert.hpp"

namespace gnatsd::proto {
namespace {

// The op keywords a client may send.
constexpr keyword client_keywords[] = {
    {"PUB", true},   {"HPUB", true},     {"SUB", true},   {"UNSUB", true}, {"PING", false},
    {"PONG", false}, {"CONNECT", false}, {"INFO", false}, {"+OK", false},  {"-ERR", false},
};

// nats-server bounds the arguments of PUB, HPUB, SUB, UNSUB and CONNECT, without the op and
// the separating whitespace.
size_t measured_args(const keyword& op, std::string_view rest) {
  return op.needs_space || op.text == "CONNECT" ? rest.size() : 0;
}

}  // namespace

parse_status protocol_parser::parse(const char* data, size_t size, client_op_handler& handler) {
  handler_ = &handler;
  return parse_frames(data, size);
}

bool protocol_parser::partial_line_possible(std::string_view partial) const {
  return keyword_prefix_possible(partial, client_keywords);
}

size_t protocol_parser::measured_length(std::string_view line) const {
  const keyword* op = match_keyword(line, client_keywords);
  return op == nullptr ? 0 : measured_args(*op, trim_front(line.substr(op->text.size())));
}

parse_status protocol_parser::process_line(std::string_view line) {
  const keyword* op = match_keyword(line, client_keywords);
  if (op == nullptr) return parse_status::fail(error_code::unknown_protocol_operation);
  const std::string_view rest = trim_front(line.substr(op->text.size()));
  if (over_control_line_limit(line, measured_args(*op, rest)))
    return parse_status::fail(error_code::maximum_control_line_exceeded);
  const char first = line[0] == '+' || line[0] == '-' ? line[0] : upper(line[0]);
  const size_t kw_len = op->text.size();
  switch (first) {
    case 'P':
      if (kw_len == 3) return start_payload(false, rest);
      if (upper(line[1]) == 'I') return parse_status::go_on(handler_->on_ping());
      return parse_status::go_on(handler_->on_pong());
    case 'H':
      if (!headers_enabled_) return parse_status::fail(error_code::headers_not_supported);
      return start_payload(true, rest);
    case 'S':
      split_args(rest, args_);
      if (args_.size() == 2) return parse_status::go_on(handler_->on_sub(args_[0], {}, args_[1]));
      if (args_.size() == 3)
        return parse_status::go_on(handler_->on_sub(args_[0], args_[1], args_[2]));
      return parse_status::fail(error_code::protocol_arguments);
    case 'U':
      split_args(rest, args_);
      if (args_.size() == 1) return parse_status::go_on(handler_->on_unsub(args_[0], {}));
      if (args_.size() == 2) return parse_status::go_on(handler_->on_unsub(args_[0], args_[1]));
      return parse_status::fail(error_code::protocol_arguments);
    case 'C':
      return parse_status::go_on(handler_->on_connect(rest));
    case 'I':  // INFO from a client is ignored, as by nats-server.
    case '+':  // so is +OK
      return parse_status{};
    case '-':
      return parse_status::fail(error_code::client_sent_error);
    default:
      GNATSD_ASSERT(false);
  }
  return parse_status{};
}

parse_status protocol_parser::start_payload(bool headers, std::string_view args) {
  split_args(args, args_);
  const size_t n = args_.size();
  const size_t sizes = headers ? 2 : 1;
  if (n != sizes + 1 && n != sizes + 2) return parse_status::fail(error_code::protocol_arguments);
  size_t header_size = 0, total = 0;
  if (auto st = read_sizes(args_, headers, header_size, total); !st.ok) return st;
  pending_headers_ = headers;
  pending_subject_ = args_[0];
  pending_reply_ = n == sizes + 2 ? args_[1] : std::string_view{};
  pending_header_size_ = header_size;
  auto st = expect_payload(total);
  if (st.ok && mid_operation()) {
    // The payload spans reads: keep the arguments, the read buffer goes away.
    owned_subject_.assign(pending_subject_);
    owned_reply_.assign(pending_reply_);
    pending_subject_ = owned_subject_;
    pending_reply_ = owned_reply_;
  }
  return st;
}

parse_status protocol_parser::process_payload(std::string_view message) {
  if (pending_headers_)
    return parse_status::go_on(
        handler_->on_hpub(pending_subject_, pending_reply_, pending_header_size_, message));
  return parse_status::go_on(handler_->on_pub(pending_subject_, pending_reply_, message));
}

}  // namespace gnatsd::proto
