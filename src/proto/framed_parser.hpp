// The framing shared by the client and route parsers: a byte stream of control lines, some
// of which announce a payload of known size that must end in exactly CRLF.
//
// Control lines are found with memchr; a line is handed to `process_line` as a view into the
// read buffer when it is complete in one read, or assembled in a line buffer bounded by
// max_control_line when it straddles reads. A payload that is complete in the current read
// is passed as a view (zero copy, the "payload jump"); otherwise it is collected in a buffer
// of exactly its size and handed to `process_payload` when complete.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proto/errors.hpp"

namespace gnatsd::proto {

struct parser_limits {
  size_t max_control_line = 4096;    // 0: unlimited
  size_t max_payload = 1024 * 1024;  // 0: unlimited
};

/// Outcome of feeding one buffer.
struct parse_status {
  bool ok = true;  // false: stop reading, close after reporting `error`
  error_code error = error_code::unknown_protocol_operation;
  bool stopped_by_handler = false;

  static parse_status fail(error_code code) { return parse_status{false, code, false}; }
  static parse_status stopped() {
    return parse_status{false, error_code::unknown_protocol_operation, true};
  }
  static parse_status go_on(bool handler_result) {
    return handler_result ? parse_status{} : stopped();
  }
};

class framed_parser {
 public:
  explicit framed_parser(parser_limits limits) : limits_(limits) {}
  virtual ~framed_parser() = default;

  void set_limits(parser_limits limits) { limits_ = limits; }
  const parser_limits& limits() const { return limits_; }

  /// True if a control line or payload is held across reads.
  bool mid_operation() const { return !line_.empty() || awaiting_payload_; }

  /// True if a control line is held across reads (it was split by the read boundary).
  bool mid_control_line() const { return !line_.empty(); }
  /// How far unmeasured bytes (the op, padding) may take a control line past
  /// max_control_line before it counts as too long.
  static constexpr size_t unmeasured_slack = 4096;
  /// Bytes currently buffered across reads; bounded by max_control_line and the payload size.
  size_t buffered_bytes() const { return line_.size() + payload_.size(); }

 protected:
  /// Runs the framing over one read buffer.
  parse_status parse_frames(const char* data, size_t size);

  /// Handles one complete control line (without its line ending).
  virtual parse_status process_line(std::string_view line) = 0;
  /// Handles the payload announced by the last control line (without its CRLF).
  virtual parse_status process_payload(std::string_view message) = 0;
  /// Whether a partial line can still become a valid op (else fail early, like nats-server).
  virtual bool partial_line_possible(std::string_view partial) const = 0;
  /// The part of a control line that counts against max_control_line: nats-server measures
  /// the arguments of the ops it bounds, not the op itself.
  virtual size_t measured_length(std::string_view line) const = 0;
  /// Whether a control line breaks max_control_line: its `measured` arguments are too long,
  /// or the whole line is (however it is padded). Parsers call it right after recognising the
  /// op of a whole line, and the framing calls it (through measured_length) on a partial
  /// line, so that the error never depends on how the reads were split (found by
  /// fuzz_differential).
  bool over_control_line_limit(std::string_view line, size_t measured) const;

  /// Called from process_line: the line announced `total` payload bytes. If the payload is
  /// already in the read buffer it is processed at once (process_payload, as a view);
  /// otherwise the derived class must have copied what it needs from the line, and the
  /// payload is collected across reads.
  parse_status expect_payload(size_t total);

  /// Reads the sizes that end a message line: `<#total>`, or `<#hdr> <#total>` with
  /// `headers`; sizes of 1-9 digits, `#hdr <= #total`, and `#total` within max_payload.
  parse_status read_sizes(const std::string_view* args, size_t n, bool headers, size_t& header_size,
                          size_t& total) const;
  /// A client's PUB/HPUB on a server-to-server connection: nats-server reads it (its payload
  /// too) and drops it. HPUB needs `headers_enabled`. The payload is expected (the derived
  /// parser marks it to be discarded); `scratch` holds the split arguments.
  parse_status skip_publish(bool headers, bool headers_enabled, std::string_view args,
                            std::vector<std::string_view>& scratch);

 private:
  parse_status finish_payload(std::string_view with_crlf);

  parser_limits limits_;
  std::string line_;  // a control line split across reads
  bool awaiting_payload_ = false;
  size_t pending_total_ = 0;  // payload bytes plus the trailing CRLF
  std::string payload_;
  // The read buffer being parsed, for expect_payload's zero-copy path.
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

}  // namespace gnatsd::proto
