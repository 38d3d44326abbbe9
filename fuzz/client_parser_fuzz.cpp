// Differential fuzz target for the client protocol parser: the same input parsed whole and
// split at fuzzer-chosen offsets must give the same operations and the same error, and the
// parser must never buffer more than its limits allow. The first two input bytes choose
// the split points; the rest is protocol text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../tests/support/op_recorder.hpp"
#include "proto/protocol_parser.hpp"
#include "util/assert.hpp"

namespace {

struct outcome {
  std::vector<std::string> ops;
  bool ok = true;
  gnatsd::proto::error_code error{};
};

outcome parse(const std::string& input, const std::vector<size_t>& cuts) {
  gnatsd::proto::parser_limits limits;
  limits.max_control_line = 256;
  limits.max_payload = 1024;
  gnatsd::proto::protocol_parser parser{limits};
  parser.set_headers_enabled(true);
  gnatsd::testing::op_recorder rec;
  outcome out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    const auto st = parser.parse(input.data() + start, end - start, rec);
    // Bounded buffering: a partial line never exceeds the control-line limit (plus the op),
    // a partial payload never exceeds max_payload plus its CRLF.
    GNATSD_ASSERT(parser.buffered_bytes() <= limits.max_control_line + limits.max_payload + 16);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::vector<size_t> cuts;
  if (!input.empty()) {
    const size_t a = data[0] % (input.size() + 1), b = data[1] % (input.size() + 1);
    cuts.push_back(std::min(a, b));
    cuts.push_back(std::max(a, b));
  }
  const outcome whole = parse(input, {});
  const outcome split = parse(input, cuts);
  GNATSD_ASSERT(whole.ok == split.ok);
  GNATSD_ASSERT(whole.ops == split.ops);
  if (!whole.ok) GNATSD_ASSERT(whole.error == split.error);
  return 0;
}
