// Unit tests of the route protocol: the parser (every RMSG/HMSG form, RS+/RS-, every split
// offset, bad input) and the encoders (what they write parses back to the same operation).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/route_encoder.hpp"
#include "proto/route_parser.hpp"

namespace gnatsd::proto {
namespace {

class route_recorder final : public route_op_handler {
 public:
  std::vector<std::string> ops;
  bool on_info(std::string_view j) override { return add("INFO " + std::string{j}); }
  bool on_connect(std::string_view j) override { return add("CONNECT " + std::string{j}); }
  bool on_ping() override { return add("PING"); }
  bool on_pong() override { return add("PONG"); }
  bool on_err(std::string_view t) override { return add("ERR " + std::string{t}); }
  bool on_remote_sub(std::string_view a, std::string_view s, std::string_view q,
                     int32_t w) override {
    return add("RS+ " + std::string{a} + "|" + std::string{s} + "|" + std::string{q} + "|" +
               std::to_string(w));
  }
  bool on_remote_unsub(std::string_view a, std::string_view s, std::string_view q) override {
    return add("RS- " + std::string{a} + "|" + std::string{s} + "|" + std::string{q});
  }
  bool on_routed_message(const routed_message& m) override {
    std::string line = std::string{m.has_headers ? "HMSG " : "RMSG "} + std::string{m.account} +
                       "|" + std::string{m.subject} + "|" + std::string{m.reply} + "|";
    for (auto q : *m.queues)
      line += std::string{q} + ",";
    line += "|" + std::to_string(m.header_size) + "|" + std::string{m.message};
    return add(line);
  }

 private:
  bool add(std::string s) {
    ops.push_back(std::move(s));
    return true;
  }
};

struct result {
  std::vector<std::string> ops;
  bool ok = true;
  error_code error{};
  bool operator==(const result& o) const { return ops == o.ops && ok == o.ok; }
};

result feed(const std::vector<std::string>& chunks) {
  route_parser p;
  route_recorder r;
  result out;
  for (const auto& c : chunks) {
    const auto st = p.parse(c.data(), c.size(), r);
    if (!st.ok) {
      out.ok = false;
      out.error = st.error;
      break;
    }
  }
  out.ops = r.ops;
  return out;
}

const std::string transcript =
    "CONNECT {\"name\":\"A\"}\r\n"
    "INFO {\"server_id\":\"A\"}\r\n"
    "RS+ $G foo\r\n"
    "RS+ $G foo grp 3\r\n"
    "RS- $G foo grp\r\n"
    "RS- $G foo\r\n"
    "RMSG $G foo 5\r\nhello\r\n"
    "RMSG $G foo rep 2\r\nhi\r\n"
    "RMSG $G foo + rep grp grp2 2\r\nhi\r\n"
    "RMSG $G foo | grp grp2 0\r\n\r\n"
    "HMSG $G foo | grp grp2 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
    "HMSG $G foo + rep grp 12 12\r\nNATS/1.0\r\n\r\n\r\n"
    "HMSG $G foo 12 12\r\nNATS/1.0\r\n\r\n\r\n"
    "PING\r\nPONG\r\n+OK\r\n"
    "-ERR 'Authorization Violation'\r\n";

TEST(RouteParser, ParsesEveryRouteOperationAndMessageForm) {
  const auto out = feed({transcript});
  ASSERT_TRUE(out.ok);
  const std::vector<std::string> expected = {
      "CONNECT {\"name\":\"A\"}",
      "INFO {\"server_id\":\"A\"}",
      "RS+ $G|foo||0",
      "RS+ $G|foo|grp|3",
      "RS- $G|foo|grp",
      "RS- $G|foo|",
      "RMSG $G|foo|||0|hello",
      "RMSG $G|foo|rep||0|hi",
      "RMSG $G|foo|rep|grp,grp2,|0|hi",
      "RMSG $G|foo||grp,grp2,|0|",
      "HMSG $G|foo||grp,grp2,|12|NATS/1.0\r\n\r\nhi",
      "HMSG $G|foo|rep|grp,|12|NATS/1.0\r\n\r\n",
      "HMSG $G|foo|||12|NATS/1.0\r\n\r\n",
      "PING",
      "PONG",
      "ERR Authorization Violation",
  };
  EXPECT_EQ(out.ops, expected);
}

TEST(RouteParser, GivesTheSameResultForEverySplitIntoTwoReads) {
  const auto whole = feed({transcript});
  for (size_t cut = 0; cut <= transcript.size(); ++cut)
    ASSERT_EQ(feed({transcript.substr(0, cut), transcript.substr(cut)}), whole) << cut;
}

TEST(RouteParser, ALongLineFailsTheSameWayHoweverTheReadsAreSplit) {
  // Found by fuzz_differential: a route line over the control-line limit with bad arguments
  // failed as "bad arguments" when whole but as "control line too long" when split.
  const parser_limits limits{256, 1024};
  for (const std::string& line : {"RMSG $G " + std::string(300, 'x') + " + rep q\r\n",
                                  "RS+ $G " + std::string(250, 'y') + "\r\n",
                                  "RMSG " + std::string(5000, ' ') + "$G foo 1\r\nx\r\n"}) {
    route_recorder r;
    route_parser whole{limits};
    const auto expected = whole.parse(line.data(), line.size(), r);
    for (size_t cut = 1; cut < line.size(); ++cut) {
      route_parser split{limits};
      auto st = split.parse(line.data(), cut, r);
      if (st.ok) st = split.parse(line.data() + cut, line.size() - cut, r);
      ASSERT_EQ(st.ok, expected.ok) << cut;
      if (!st.ok) {
        ASSERT_EQ(st.error, expected.error) << cut;
      }
    }
  }
}

TEST(RouteParser, RejectsMalformedOperations) {
  for (const std::string bad :
       {"RMSG $G 5\r\nhello\r\n", "RMSG $G foo x y 2\r\nhi\r\n", "RMSG $G foo xx q 2\r\nhi\r\n",
        "RMSG $G foo -1\r\n", "HMSG $G foo 5 2\r\n", "RS+ $G\r\n", "RS+ $G foo q\r\n", "RS- $G\r\n",
        "PUB foo\r\n", "HPUB foo 2 2\r\nhi\r\n", "LS+ X $G\r\n", "LS- $G\r\n",
        "LMSG X $G foo 2\r\nhi\r\n", "AU x\r\n", "A+\r\n", "-ERR\r\n", "MSG foo 1 1\r\nx\r\n",
        "RMSG $G foo 1\r\nxy\r\n", "UNSUB foo\r\n"}) {
    EXPECT_FALSE(feed({bad}).ok) << bad;
  }
}

// What nats-server 2.9.10's parser takes on a route besides the route protocol proper,
// checked side by side with it: the same replies need the same readings.
TEST(RouteParser, ReadsTheOperationsNatsServerTakesOnARoute) {
  const auto r = feed({"RMSG $G foo + 2\r\nhi\r\n", "RMSG $G foo | 2\r\nhi\r\n",
                       "RMSG $G foo + r 2\r\nhi\r\n", "RS+ $G foo q -1\r\n", "RS+ $G foo q x\r\n",
                       "UNSUB $G foo\r\n", "LS+ X $G bar\r\n", "LS+ X $G bar q 3\r\n",
                       "LS- $G bar\r\n", "LMSG X $G bar r 0 2\r\nhi\r\n", "SUB anything at all\r\n",
                       "PUB foo 2\r\nhi\r\n", "A+ $G\r\n", "A- $G\r\n", "Au $G\r\n", "PING\r\n"});
  ASSERT_TRUE(r.ok);
  const std::vector<std::string> expected = {
      "RMSG $G|foo|+||0|hi",  // one token between subject and size is the reply, even "+"
      "RMSG $G|foo||||0|hi",  // or "|"
      "RMSG $G|foo|r||0|hi",  // "+ <reply>" with no queue group
      "RS+ $G|foo|q|1",       // a weight that does not parse counts as one member
      "RS+ $G|foo|q|1",       //
      "RS- $G|foo|",          // UNSUB is RS-
      "RS+ $G|bar||0",        // LS+: the origin cluster comes first
      "RS+ $G|bar|q|3",       //
      "RS- $G|bar|",          // LS- is RS-
      "RMSG $G|bar|r||0|hi",  // LMSG: an origin cluster and a header size (0: no headers)
      "PING"};                // SUB, PUB, A+, A-, Au: read and dropped
  EXPECT_EQ(r.ops, expected);
}

TEST(RouteParser, HpubIsReadOnlyAfterACONNECTWithHeaders) {
  route_parser p;
  route_recorder r;
  const std::string hpub = "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n";
  EXPECT_FALSE(p.parse(hpub.data(), hpub.size(), r).ok) << "headers not negotiated";
  route_parser q;
  q.set_headers_enabled(true);
  ASSERT_TRUE(q.parse(hpub.data(), hpub.size(), r).ok);
  EXPECT_EQ(r.ops, std::vector<std::string>{"PING"});
}

TEST(RouteEncoder, WritesWhatTheParserReadsBack) {
  std::vector<char> out;
  append_remote_sub(out, "$G", "foo", "", 0);
  append_remote_sub(out, "$G", "foo", "grp", 2);
  append_remote_unsub(out, "$G", "foo", "grp");
  append_remote_unsub(out, "$G", "foo", "");
  const std::vector<std::string_view> none, queues{"grp", "grp2"};
  append_routed_message(out, "$G", {"foo", "", false, 0, "hello"}, none);
  append_routed_message(out, "$G", {"foo", "rep", false, 0, "hi"}, queues);
  append_routed_message(out, "$G", {"foo", "", true, 12, "NATS/1.0\r\n\r\nhi"}, queues);
  const std::string wire{out.begin(), out.end()};
  EXPECT_EQ(wire,
            "RS+ $G foo\r\nRS+ $G foo grp 2\r\nRS- $G foo grp\r\nRS- $G foo\r\n"
            "RMSG $G foo 5\r\nhello\r\n"
            "RMSG $G foo + rep grp grp2 2\r\nhi\r\n"
            "HMSG $G foo | grp grp2 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
  const auto parsed = feed({wire});
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.ops.size(), 7u);
  EXPECT_EQ(parsed.ops[5], "RMSG $G|foo|rep|grp,grp2,|0|hi");
}

}  // namespace
}  // namespace gnatsd::proto
