// The split-read differential checks shared by the parser fuzz targets: the same input is
// parsed whole and split (at two offsets chosen by the first two input bytes, or into reads
// of random sizes); both must give the same operations and the same error, and the parser
// must never buffer more than its limits allow.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/framed_parser.hpp"
#include "util/assert.hpp"
#include "util/prng.hpp"

namespace gnatsd::fuzz {

struct outcome {
  std::vector<std::string> ops;
  bool ok = true;
  proto::error_code error{};
};

template <class Parser, class Recorder>
outcome parse_in_pieces(const std::string& input, const std::vector<size_t>& cuts,
                        proto::parser_limits limits) {
  Parser parser{limits};
  Recorder rec;
  outcome out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    const auto st = parser.parse(input.data() + start, end - start, rec);
    // A partial line never exceeds the control-line limit plus the unmeasured padding, a
    // partial payload never exceeds max_payload plus its CRLF.
    GNATSD_ASSERT(parser.buffered_bytes() <= limits.max_control_line +
                                                 proto::framed_parser::unmeasured_slack +
                                                 limits.max_payload + 16);
    if (!st.ok) {
      out.ok = false;
      out.error = st.error;
      break;
    }
    start = end;
  }
  out.ops = rec.ops;
  return out;
}

/// Parses `input` whole and cut at `cuts`; both must give the same operations and error.
template <class Parser, class Recorder>
int agree_whole_and_split(const std::string& input, const std::vector<size_t>& cuts,
                          proto::parser_limits limits) {
  const outcome whole = parse_in_pieces<Parser, Recorder>(input, {}, limits);
  const outcome split = parse_in_pieces<Parser, Recorder>(input, cuts, limits);
  GNATSD_ASSERT(whole.ok == split.ok);
  GNATSD_ASSERT(whole.ops == split.ops);
  if (!whole.ok) GNATSD_ASSERT(whole.error == split.error);
  return 0;
}

template <class Parser, class Recorder>
int check_split_reads(const uint8_t* data, size_t size, proto::parser_limits limits) {
  if (size < 2) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::vector<size_t> cuts;
  if (!input.empty()) {
    const size_t a = data[0] % (input.size() + 1), b = data[1] % (input.size() + 1);
    cuts.push_back(std::min(a, b));
    cuts.push_back(std::max(a, b));
  }
  return agree_whole_and_split<Parser, Recorder>(input, cuts, limits);
}

/// The same input parsed whole and in reads of random sizes (1 byte up to 1 + `max_read`,
/// drawn from `seed`); both must agree.
template <class Parser, class Recorder>
int check_random_splits(uint64_t seed, size_t max_read, const std::string& input,
                        proto::parser_limits limits) {
  prng rng{seed};
  std::vector<size_t> cuts;
  for (size_t at = 1 + rng.below(max_read + 1); at < input.size();
       at += 1 + rng.below(max_read + 1))
    cuts.push_back(at);
  return agree_whole_and_split<Parser, Recorder>(input, cuts, limits);
}

}  // namespace gnatsd::fuzz
