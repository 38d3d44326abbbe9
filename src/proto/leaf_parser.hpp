// The parser for leafnode connections: nats-server 2.9's leafnode protocol. A leafnode
// connection is bound to one account, so nothing names an account:
//
//   INFO <json>, CONNECT <json>, PING, PONG, +OK, -ERR '<text>'
//   LS+ <subject> [<queue> <weight>]                  interest added or queue weight changed
//   LS- <subject> [<queue>]                           interest removed
//   LMSG <subject> [<reply>] <size>                   a message
//   LMSG <subject> + <reply> <q1> [q2...] <size>      ... with the queue groups chosen for it
//   LMSG <subject> | <q1> [q2...] <size>
//   HMSG ...                                          the same three forms with <hdr> <total>
//
// nats-server's parser also takes RS+/SUB as LS+, RS-/UNSUB as LS-, RMSG as LMSG, and reads
// and drops PUB, HPUB, A+ and A- on a leafnode connection; gnatsd does the same so that a
// peer, hostile or not, gets the same replies from both servers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/framed_parser.hpp"
#include "proto/route_parser.hpp"

namespace gnatsd::proto {

class leaf_op_handler {
 public:
  virtual ~leaf_op_handler() = default;
  virtual bool on_info(std::string_view json) = 0;
  virtual bool on_connect(std::string_view json) = 0;
  virtual bool on_ping() = 0;
  virtual bool on_pong() = 0;
  virtual bool on_err(std::string_view text) = 0;
  /// LS+; `queue` empty and `weight` 0 for plain interest.
  virtual bool on_leaf_sub(std::string_view subject, std::string_view queue, int32_t weight) = 0;
  /// LS-; `key` is "<subject>" or "<subject> <queue>", as sent.
  virtual bool on_leaf_unsub(std::string_view key) = 0;
  /// LMSG/HMSG (`account` is empty).
  virtual bool on_leaf_message(const routed_message& msg) = 0;
};

class leaf_parser final : public framed_parser {
 public:
  explicit leaf_parser(parser_limits limits = route_limits) : framed_parser(limits) {}

  parse_status parse(const char* data, size_t size, leaf_op_handler& handler);
  /// Whether HMSG/HPUB are accepted (the CONNECT or INFO said headers).
  void set_headers_enabled(bool on) { headers_ = on; }

 private:
  parse_status process_line(std::string_view line) override;
  parse_status process_payload(std::string_view message) override;
  bool partial_line_possible(std::string_view partial) const override;
  size_t measured_length(std::string_view line) const override;
  parse_status start_message(bool headers, std::string_view args);
  parse_status drop_publish(bool headers, std::string_view args);
  parse_status leaf_sub(std::string_view args);

  leaf_op_handler* handler_ = nullptr;
  std::vector<std::string_view> args_;
  routed_message pending_;
  std::vector<std::string_view> queues_;
  std::string owned_;
  bool discard_ = false;
  bool headers_ = false;
};

}  // namespace gnatsd::proto
