#include "proto/leaf_parser.hpp"

#include "proto/message_args.hpp"
#include "proto/tokens.hpp"

namespace gnatsd::proto {
namespace {

// Every op nats-server 2.9.10's parser accepts on a leafnode connection.
constexpr keyword leaf_keywords[] = {
    {"LMSG", true},  {"HMSG", true},     {"RMSG", true}, {"LS+", true},   {"LS-", true},
    {"RS+", true},   {"RS-", true},      {"SUB", true},  {"UNSUB", true}, {"PUB", true},
    {"HPUB", true},  {"A+", true},       {"A-", true},   {"PING", false}, {"PONG", false},
    {"INFO", false}, {"CONNECT", false}, {"+OK", false}, {"-ERR", true},
};

int32_t parse_weight(std::string_view s) {
  const int64_t n = parse_size(s);
  return n < 0 ? 0 : static_cast<int32_t>(n);
}

std::string_view err_text(std::string_view rest) {
  if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'')
    return rest.substr(1, rest.size() - 2);
  return rest;
}

}  // namespace

parse_status leaf_parser::parse(const char* data, size_t size, leaf_op_handler& handler) {
  handler_ = &handler;
  return parse_frames(data, size);
}

bool leaf_parser::partial_line_possible(std::string_view partial) const {
  return keyword_prefix_possible(partial, leaf_keywords);
}

size_t leaf_parser::measured_length(std::string_view line) const {
  const keyword* op = match_keyword(line, leaf_keywords);
  return op == nullptr ? 0 : trim_front(line.substr(op->text.size())).size();
}

parse_status leaf_parser::process_line(std::string_view line) {
  const keyword* op = match_keyword(line, leaf_keywords);
  if (op == nullptr) return parse_status::fail(error_code::unknown_protocol_operation);
  const std::string_view rest = trim_front(line.substr(op->text.size()));
  if (over_control_line_limit(line, rest.size()))
    return parse_status::fail(error_code::maximum_control_line_exceeded);
  const std::string_view kw = op->text;
  if (kw == "LMSG" || kw == "RMSG") return start_message(false, rest);
  if (kw == "HMSG") return start_message(true, rest);
  if (kw == "LS+" || kw == "RS+" || kw == "SUB") return leaf_sub(rest);
  if (kw == "LS-" || kw == "RS-" || kw == "UNSUB")
    return parse_status::go_on(handler_->on_leaf_unsub(rest));
  if (kw == "PUB" || kw == "HPUB") return drop_publish(kw == "HPUB", rest);
  if (kw == "PING") return parse_status::go_on(handler_->on_ping());
  if (kw == "PONG") return parse_status::go_on(handler_->on_pong());
  if (kw == "INFO") return parse_status::go_on(handler_->on_info(rest));
  if (kw == "CONNECT") return parse_status::go_on(handler_->on_connect(rest));
  if (kw == "-ERR") return parse_status::go_on(handler_->on_err(err_text(rest)));
  return parse_status{};  // +OK, A+, A-
}

parse_status leaf_parser::leaf_sub(std::string_view args) {
  split_args(args, args_);
  if (args_.size() == 1) return parse_status::go_on(handler_->on_leaf_sub(args_[0], {}, 0));
  if (args_.size() != 3) return parse_status::fail(error_code::protocol_arguments);
  return parse_status::go_on(handler_->on_leaf_sub(args_[0], args_[1], parse_weight(args_[2])));
}

parse_status leaf_parser::start_message(bool headers, std::string_view args) {
  if (headers && !headers_) return parse_status::fail(error_code::headers_not_supported);
  split_args(args, args_);
  const size_t sizes = headers ? 2 : 1;
  const size_t n = args_.size();
  if (n < 1 + sizes) return parse_status::fail(error_code::protocol_arguments);
  size_t header_size = 0, total = 0;
  if (auto st = read_sizes(args_.data(), args_.size(), headers, header_size, total); !st.ok)
    return st;
  pending_ = routed_message{};
  if (!read_reply_and_queues(args_, 1, n - sizes, pending_.reply, queues_))
    return parse_status::fail(error_code::protocol_arguments);
  discard_ = false;
  pending_.subject = args_[0];
  pending_.queues = &queues_;
  pending_.header_size = header_size;
  pending_.has_headers = headers;
  auto st = expect_payload(total);
  // The payload spans reads: the views must outlive this read buffer.
  if (st.ok && mid_operation()) keep_message_args(args, owned_, pending_, queues_);
  return st;
}

parse_status leaf_parser::drop_publish(bool headers, std::string_view args) {
  discard_ = true;
  return skip_publish(headers, headers_, args, args_);
}

parse_status leaf_parser::process_payload(std::string_view message) {
  if (discard_) return parse_status{};
  pending_.message = message;
  return parse_status::go_on(handler_->on_leaf_message(pending_));
}

}  // namespace gnatsd::proto
