// The NATS protocol parser for client connections.
//
// It consumes whole read buffers (framing in framed_parser) and calls the handler once per
// complete operation, with arguments and payloads as views into the read buffer whenever
// they are complete in one read. It mirrors nats-server's parser.go semantics:
// case-insensitive ops, bare LF ends a control line, the payload must end in exactly CRLF,
// sizes of 1-9 digits, max_control_line measured on the arguments.
//
// The views passed to the handler are valid only during the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/framed_parser.hpp"
#include "proto/tokens.hpp"

namespace gnatsd::proto {

/// Operations of a client connection. Each returns false to stop parsing (the connection is
/// being closed); the parser then discards the rest of the buffer.
class client_op_handler {
 public:
  virtual ~client_op_handler() = default;
  virtual bool on_connect(std::string_view json) = 0;
  virtual bool on_pub(std::string_view subject, std::string_view reply,
                      std::string_view payload) = 0;
  /// `message` holds the header block (first `header_size` bytes) followed by the payload.
  virtual bool on_hpub(std::string_view subject, std::string_view reply, size_t header_size,
                       std::string_view message) = 0;
  virtual bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) = 0;
  /// `max` is empty when no limit was given.
  virtual bool on_unsub(std::string_view sid, std::string_view max) = 0;
  virtual bool on_ping() = 0;
  virtual bool on_pong() = 0;
};

class protocol_parser final : public framed_parser {
 public:
  explicit protocol_parser(parser_limits limits = {}) : framed_parser(limits) {}

  /// HPUB is a protocol violation until the client negotiated headers in CONNECT.
  void set_headers_enabled(bool enabled) { headers_enabled_ = enabled; }

  /// Parses `data`, calling `handler` for each complete operation.
  parse_status parse(const char* data, size_t size, client_op_handler& handler);

 private:
  parse_status process_line(std::string_view line) override;
  parse_status process_payload(std::string_view message) override;
  bool partial_line_possible(std::string_view partial) const override;
  size_t measured_length(std::string_view line) const override;
  parse_status start_payload(bool headers, std::string_view args);
  bool fast_pub(std::string_view args, parse_status& st);
  parse_status await_payload(bool headers, std::string_view subject, std::string_view reply,
                             size_t header_size, size_t total);

  client_op_handler* handler_ = nullptr;
  bool headers_enabled_ = false;
  std::vector<std::string_view> args_;

  // The PUB/HPUB whose payload is expected. Views point into the read buffer, or into the
  // owned copies below when the payload spans reads.
  bool pending_headers_ = false;
  std::string_view pending_subject_, pending_reply_;
  size_t pending_header_size_ = 0;
  std::string owned_subject_, owned_reply_;
};

}  // namespace gnatsd::proto
