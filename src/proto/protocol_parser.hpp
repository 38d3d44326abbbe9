// The NATS protocol parser for client connections (route operations come with clustering).
//
// It consumes whole read buffers and calls the handler once per complete operation. Control
// lines are found with memchr and split in place; arguments and payloads are views into the
// read buffer (zero copy). Only what straddles two reads is copied: a partial control line
// into a line buffer bounded by max_control_line, a partial payload into a buffer sized to the
// payload. This mirrors nats-server's parser.go semantics (case-insensitive ops, bare LF ends
// a control line, payload must end in exactly CRLF, sizes of 1-9 digits) with a line-at-a-time
// rather than byte-at-a-time loop.
//
// The views passed to the handler are valid only during the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/errors.hpp"

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

struct parser_limits {
  size_t max_control_line = 4096;    // 0: unlimited
  size_t max_payload = 1024 * 1024;  // 0: unlimited
};

/// Outcome of feeding one buffer.
struct parse_status {
  bool ok = true;  // false: stop reading, close after reporting `error`
  error_code error = error_code::unknown_protocol_operation;
  bool stopped_by_handler = false;
};

class protocol_parser {
 public:
  explicit protocol_parser(parser_limits limits = {}) : limits_(limits) {}

  void set_limits(parser_limits limits) { limits_ = limits; }

  /// HPUB is a protocol violation until the client negotiated headers in CONNECT.
  void set_headers_enabled(bool enabled) { headers_enabled_ = enabled; }

  /// Parses `data`, calling `handler` for each complete operation.
  parse_status parse(const char* data, size_t size, client_op_handler& handler);

  /// True if a control line or payload is held across reads (used by tests and coverage).
  bool mid_operation() const { return !line_.empty() || awaiting_payload_; }

  /// Bytes currently buffered across reads; bounded by max_control_line and the payload size.
  size_t buffered_bytes() const { return line_.size() + payload_.size(); }

 private:
  enum class pub_kind : uint8_t { pub, hpub };

  parse_status process_line(std::string_view line, const char* data, size_t size, size_t& pos,
                            client_op_handler& handler);
  parse_status start_payload(pub_kind kind, std::string_view line_args, const char* data,
                             size_t size, size_t& pos, client_op_handler& handler);
  parse_status dispatch_payload(std::string_view message, client_op_handler& handler);
  parse_status continue_payload(const char* data, size_t size, size_t& pos,
                                client_op_handler& handler);
  bool line_prefix_possible() const;

  parser_limits limits_;
  bool headers_enabled_ = false;
  std::string line_;  // a control line split across reads

  // A PUB/HPUB whose payload spans reads: its arguments are copied here.
  bool awaiting_payload_ = false;
  pub_kind pending_kind_ = pub_kind::pub;
  std::string pending_subject_;
  std::string pending_reply_;
  size_t pending_header_size_ = 0;
  size_t pending_total_ = 0;  // payload bytes plus the trailing CRLF
  std::string payload_;
};

/// Parses a decimal size of 1-9 digits; returns -1 for anything else (as nats-server does).
int64_t parse_size(std::string_view s);

}  // namespace gnatsd::proto
