#include "proto/route_parser.hpp"

#include "proto/message_args.hpp"

#include "util/assert.hpp"

namespace gnatsd::proto {
namespace {

// Every op nats-server 2.9.10's parser accepts on a route connection. Besides the route
// protocol proper, it takes the leafnode-origin forms (LS+, LS-, LMSG), the gateway account
// ops (A+, A-) and some client ops (SUB, UNSUB, PUB, HPUB), most of which it ignores on a
// route; gnatsd accepts them the same way so that a peer gets the same replies from both.
constexpr keyword route_keywords[] = {
    {"RMSG", true},     {"HMSG", true}, {"RS+", true},   {"RS-", true},   {"LMSG", true},
    {"LS+", true},      {"LS-", true},  {"PING", false}, {"PONG", false}, {"INFO", false},
    {"CONNECT", false}, {"+OK", false}, {"-ERR", true},  {"SUB", true},   {"UNSUB", true},
    {"PUB", true},      {"HPUB", true}, {"A+", true},    {"A-", true},    {"AU", true},
};

// An RS+ queue weight. nats-server takes whatever parses (-1 for anything but 1-9 digits)
// and never refuses the subscription for it; a weight below 1 counts as one member here.
int32_t parse_weight(std::string_view s) {
  const int64_t n = parse_size(s);
  return n < 1 ? 1 : static_cast<int32_t>(n);
}

// Strips the quotes of `-ERR '<text>'`.
std::string_view err_text(std::string_view rest) {
  if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'')
    return rest.substr(1, rest.size() - 2);
  return rest;
}

}  // namespace

parse_status route_parser::parse(const char* data, size_t size, route_op_handler& handler) {
  handler_ = &handler;
  return parse_frames(data, size);
}

bool route_parser::partial_line_possible(std::string_view partial) const {
  return keyword_prefix_possible(partial, route_keywords);
}

parse_status route_parser::process_line(std::string_view line) {
  const keyword* op = match_keyword(line, route_keywords);
  if (op == nullptr) return parse_status::fail(error_code::unknown_protocol_operation);
  const std::string_view rest = trim_front(line.substr(op->text.size()));
  // Every route op's arguments are bounded (by gnatsd's generous route limit).
  if (over_control_line_limit(line, rest.size()))
    return parse_status::fail(error_code::maximum_control_line_exceeded);
  const std::string_view kw = op->text;
  if (kw == "RMSG") return start_message(false, false, rest);
  if (kw == "HMSG") return start_message(true, false, rest);
  if (kw == "LMSG") return start_message(true, true, rest);
  if (kw == "RS+") return remote_sub(rest, false);
  if (kw == "LS+") return remote_sub(rest, true);
  if (kw == "RS-" || kw == "LS-" || kw == "UNSUB") return remote_unsub(rest);
  if (kw == "PUB" || kw == "HPUB") return client_publish(kw == "HPUB", rest);
  // nats-server's parser knows "Au" (lower-case u only) as a spelling of A-.
  if (kw == "AU" && line[1] != 'u')
    return parse_status::fail(error_code::unknown_protocol_operation);
  if (kw == "A+") return parse_status::go_on(handler_->on_account_interest(rest, true));
  if (kw == "A-" || kw == "AU")
    return parse_status::go_on(handler_->on_account_interest(rest, false));
  if (kw == "SUB") return parse_status{};  // ignored
  if (kw == "PING") return parse_status::go_on(handler_->on_ping());
  if (kw == "PONG") return parse_status::go_on(handler_->on_pong());
  if (kw == "INFO") return parse_status::go_on(handler_->on_info(rest));
  if (kw == "CONNECT") return parse_status::go_on(handler_->on_connect(rest));
  if (kw == "-ERR") return parse_status::go_on(handler_->on_err(err_text(rest)));
  return parse_status{};  // +OK
}

size_t route_parser::measured_length(std::string_view line) const {
  const keyword* op = match_keyword(line, route_keywords);
  return op == nullptr ? 0 : trim_front(line.substr(op->text.size())).size();
}

parse_status route_parser::remote_sub(std::string_view args, bool origin) {
  split_args(args, args_);
  // LS+ names the origin cluster first.
  const size_t off = origin ? 1 : 0;
  if (args_.size() != 2 + off && args_.size() != 4 + off)
    return parse_status::fail(error_code::protocol_arguments);
  const bool queue = args_.size() == 4 + off;
  const std::string_view q = queue ? args_[off + 2] : std::string_view{};
  const int32_t weight = queue ? parse_weight(args_[off + 3]) : 0;
  if (origin)
    return parse_status::go_on(
        handler_->on_origin_sub(args_[0], args_[off], args_[off + 1], q, weight));
  return parse_status::go_on(handler_->on_remote_sub(args_[off], args_[off + 1], q, weight));
}

parse_status route_parser::remote_unsub(std::string_view args) {
  split_args(args, args_);
  if (args_.size() == 2)
    return parse_status::go_on(handler_->on_remote_unsub(args_[0], args_[1], {}));
  if (args_.size() == 3)
    return parse_status::go_on(handler_->on_remote_unsub(args_[0], args_[1], args_[2]));
  return parse_status::fail(error_code::protocol_arguments);
}

parse_status route_parser::start_message(bool headers, bool origin, std::string_view args) {
  split_args(args, args_);
  // LMSG: a message with headers whose first argument names the origin cluster.
  std::string_view origin_cluster;
  if (origin && !args_.empty()) {
    origin_cluster = args_.front();
    args_.erase(args_.begin());
  }
  const size_t sizes = headers ? 2 : 1;
  const size_t n = args_.size();
  if (n < 2 + sizes) return parse_status::fail(error_code::protocol_arguments);
  size_t header_size = 0, total = 0;
  if (auto st = read_sizes(args_.data(), args_.size(), headers, header_size, total); !st.ok)
    return st;

  const size_t middle_begin = 2, middle_end = n - sizes;
  pending_ = routed_message{};
  if (!read_reply_and_queues(args_, middle_begin, middle_end, pending_.reply, queues_))
    return parse_status::fail(error_code::protocol_arguments);
  discard_ = false;
  pending_.origin = origin_cluster;
  pending_.account = args_[0];
  pending_.subject = args_[1];
  pending_.queues = &queues_;
  pending_.header_size = header_size;
  // An LMSG always names a header size; 0 means it has none (nats-server's reading).
  pending_.has_headers = headers && !(origin && header_size == 0);
  auto st = expect_payload(total);
  // The payload spans reads: the views must outlive this read buffer.
  if (st.ok && mid_operation()) keep_message_args(args, owned_, pending_, queues_);
  return st;
}

parse_status route_parser::client_publish(bool headers, std::string_view args) {
  // A client's PUB/HPUB on a route: nats-server reads it (its payload too) and then drops
  // it, as it names no account. HPUB needs headers, which the peer's CONNECT turns on.
  discard_ = true;
  return skip_publish(headers, headers_, args, args_);
}

parse_status route_parser::process_payload(std::string_view message) {
  if (discard_) return parse_status{};
  pending_.message = message;
  return parse_status::go_on(handler_->on_routed_message(pending_));
}

}  // namespace gnatsd::proto
