// Differential fuzz target for the route protocol parser: the same input parsed whole and
// split at two fuzzer-chosen offsets gives the same operations and the same error; buffering
// stays within the route limits. The first two bytes choose the split points.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/route_parser.hpp"
#include "util/assert.hpp"

namespace {

class recorder final : public gnatsd::proto::route_op_handler {
 public:
  std::vector<std::string> ops;
  bool on_info(std::string_view j) override { return add("I", j); }
  bool on_connect(std::string_view j) override { return add("C", j); }
  bool on_ping() override { return add("PING", {}); }
  bool on_pong() override { return add("PONG", {}); }
  bool on_err(std::string_view t) override { return add("E", t); }
  bool on_remote_sub(std::string_view a, std::string_view s, std::string_view q,
                     int32_t w) override {
    return add("S", std::string{a} + "|" + std::string{s} + "|" + std::string{q} + "|" +
                        std::to_string(w));
  }
  bool on_remote_unsub(std::string_view a, std::string_view s, std::string_view q) override {
    return add("U", std::string{a} + "|" + std::string{s} + "|" + std::string{q});
  }
  bool on_routed_message(const gnatsd::proto::routed_message& m) override {
    std::string line = std::string{m.account} + "|" + std::string{m.subject} + "|" +
                       std::string{m.reply} + "|" + std::to_string(m.header_size) + "|";
    for (auto q : *m.queues)
      line += std::string{q} + ",";
    return add(m.has_headers ? "H" : "R", line + "|" + std::string{m.message});
  }

 private:
  bool add(const char* op, std::string_view arg) {
    ops.push_back(std::string{op} + " " + std::string{arg});
    return true;
  }
};

struct outcome {
  std::vector<std::string> ops;
  bool ok = true;
  gnatsd::proto::error_code error{};
};

outcome parse(const std::string& input, const std::vector<size_t>& cuts) {
  gnatsd::proto::route_parser parser{gnatsd::proto::parser_limits{256, 1024}};
  recorder rec;
  outcome out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    const auto st = parser.parse(input.data() + start, end - start, rec);
    GNATSD_ASSERT(parser.buffered_bytes() <= 256 + 1024 + 16);
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
