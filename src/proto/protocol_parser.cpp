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
  if (line.size() > 4 && upper(line[0]) == 'P' && upper(line[1]) == 'U' && upper(line[2]) == 'B' &&
      line[3] == ' ') {
    parse_status st;
    if (fast_pub(line.substr(4), st)) return st;
  }
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
  std::string_view a[5];  // subject [reply] [#hdr] #total: four at most
  const size_t n = split_args_into(args, a);
  const size_t sizes = headers ? 2 : 1;
  if (n != sizes + 1 && n != sizes + 2) return parse_status::fail(error_code::protocol_arguments);
  size_t header_size = 0, total = 0;
  if (auto st = read_sizes(a, n, headers, header_size, total); !st.ok) return st;
  return await_payload(headers, a[0], n == sizes + 2 ? a[1] : std::string_view{}, header_size,
                       total);
}

// The common PUB in one pass: "<subject> [<reply>] <size>" separated by single spaces, within
// the limits. Anything else (tabs, extra spaces, bad or too large sizes, long lines) returns
// false and takes the general path, which produces nats-server's exact errors; so this only
// saves work (match_keyword, trimming, splitting) and never decides an error itself.
bool protocol_parser::fast_pub(std::string_view args, parse_status& st) {
  const size_t mcl = limits().max_control_line;
  if (mcl != 0 && args.size() > mcl) return false;
  // One pass over the arguments (they are short: a loop beats a memchr call per token).
  size_t spaces[2];
  size_t n = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const char c = args[i];
    if (c == '\t') return false;
    if (c != ' ') continue;
    if (n == 2) return false;
    spaces[n++] = i;
  }
  if (n == 0 || spaces[0] == 0) return false;
  const size_t sp1 = spaces[0];
  std::string_view reply, size;
  if (n == 1) {
    size = args.substr(sp1 + 1);
  } else {
    reply = args.substr(sp1 + 1, spaces[1] - sp1 - 1);
    size = args.substr(spaces[1] + 1);
    if (reply.empty()) return false;
  }
  const int64_t total = parse_size(size);
  const size_t max_payload = limits().max_payload;
  if (total < 0 || (max_payload != 0 && static_cast<size_t>(total) > max_payload)) return false;
  st = await_payload(false, args.substr(0, sp1), reply, 0, static_cast<size_t>(total));
  return true;
}

parse_status protocol_parser::await_payload(bool headers, std::string_view subject,
                                            std::string_view reply, size_t header_size,
                                            size_t total) {
  pending_headers_ = headers;
  pending_subject_ = subject;
  pending_reply_ = reply;
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
