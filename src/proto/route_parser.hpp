// The parser for route connections: the nats-server 2.x route protocol (V2, account-aware).
//
//   INFO <json>, CONNECT <json>, PING, PONG, +OK, -ERR '<text>'
//   RS+ <account> <subject> [<queue> <weight>]        interest added or queue weight changed
//   RS- <account> <subject> [<queue>]                 interest removed
//   RMSG <account> <subject> [<reply>] <size>         a message, no queue groups
//   RMSG <account> <subject> + <reply> <q1> [q2...] <size>
//   RMSG <account> <subject> | <q1> [q2...] <size>
//   HMSG ...                                          the same three forms with <hdr> <total>
//   LS+ <origin> ..., LS- ..., LMSG <origin> ...      leafnode-origin interest and messages
//   A+ <account>, A- <account>                        gateways: account interest (optimistic)
//   SUB, UNSUB, PUB, HPUB                             taken and mostly ignored, as nats-server
//
// nats-server's parser accepts all of these on a route; UNSUB is RS-, LS+/LS-/LMSG are
// RS+/RS-/HMSG with an origin cluster, and the rest is read and dropped. gnatsd does the same
// so that a peer, hostile or not, gets the same replies from both servers.
//
// Framing is shared with the client parser (framed_parser). nats-server applies neither
// max_control_line nor max_payload to routes; gnatsd bounds both generously (see
// docs/COMPATIBILITY.md) so that a broken peer cannot make it buffer without limit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/framed_parser.hpp"
#include "proto/tokens.hpp"

namespace gnatsd::proto {

/// A message received over a route; views are valid only during the handler call.
struct routed_message {
  std::string_view origin;  // LMSG: the leafnode cluster it entered the sending cluster from
  std::string_view account;
  std::string_view subject;
  std::string_view reply;
  const std::vector<std::string_view>* queues = nullptr;  // the queue groups chosen for it
  size_t header_size = 0;                                 // 0 for RMSG
  bool has_headers = false;                               // HMSG
  std::string_view message;                               // headers followed by the payload
};

class route_op_handler {
 public:
  virtual ~route_op_handler() = default;
  virtual bool on_info(std::string_view json) = 0;
  virtual bool on_connect(std::string_view json) = 0;
  virtual bool on_ping() = 0;
  virtual bool on_pong() = 0;
  /// The peer sent -ERR; `text` is what is inside the quotes.
  virtual bool on_err(std::string_view text) = 0;
  /// RS+; `queue` empty and `weight` 0 for plain interest.
  virtual bool on_remote_sub(std::string_view account, std::string_view subject,
                             std::string_view queue, int32_t weight) = 0;
  /// LS+ <origin> ...: interest of a leafnode cluster; taken as RS+ unless overridden.
  virtual bool on_origin_sub(std::string_view /*origin*/, std::string_view account,
                             std::string_view subject, std::string_view queue, int32_t weight) {
    return on_remote_sub(account, subject, queue, weight);
  }
  /// RS-; `queue` empty for plain interest.
  virtual bool on_remote_unsub(std::string_view account, std::string_view subject,
                               std::string_view queue) = 0;
  virtual bool on_routed_message(const routed_message& msg) = 0;
  /// A+ / A- <account>: a gateway peer (optimistic mode) has, or no longer has, interest in
  /// the account. Routes ignore it, as nats-server does.
  virtual bool on_account_interest(std::string_view /*account*/, bool /*interested*/) {
    return true;
  }
};

/// Generous bounds for route connections (nats-server has none).
inline constexpr parser_limits route_limits{64 * 1024, 64 * 1024 * 1024};

class route_parser final : public framed_parser {
 public:
  explicit route_parser(parser_limits limits = route_limits) : framed_parser(limits) {}

  parse_status parse(const char* data, size_t size, route_op_handler& handler);
  /// The peer's CONNECT said it speaks headers: HPUB is read (and dropped) instead of closing.
  void set_headers_enabled(bool on) { headers_ = on; }

 private:
  parse_status process_line(std::string_view line) override;
  parse_status process_payload(std::string_view message) override;
  bool partial_line_possible(std::string_view partial) const override;
  size_t measured_length(std::string_view line) const override;
  parse_status start_message(bool headers, bool origin, std::string_view args);
  parse_status client_publish(bool headers, std::string_view args);
  parse_status remote_sub(std::string_view args, bool origin);
  parse_status remote_unsub(std::string_view args);

  route_op_handler* handler_ = nullptr;
  std::vector<std::string_view> args_;

  // The RMSG/HMSG whose payload is expected; `owned_` backs the views when it spans reads.
  routed_message pending_;
  std::vector<std::string_view> queues_;
  std::string owned_;
  bool discard_ = false;  // the payload being read belongs to a PUB/HPUB and is dropped
  bool headers_ = false;
};

}  // namespace gnatsd::proto
