// Unit tests of the client protocol parser: every op, every error, and the same transcript
// split at every byte offset (the parser must give identical results however reads split).
#include "proto/protocol_parser.hpp"

#include <gtest/gtest.h>

#include "../support/op_recorder.hpp"

#include <string>
#include <vector>

namespace gnatsd::proto {
namespace {

using recorder = gnatsd::testing::op_recorder;

struct outcome {
  std::vector<std::string> ops;
  bool ok = true;
  error_code error = error_code::unknown_protocol_operation;

  bool operator==(const outcome& o) const {
    return ops == o.ops && ok == o.ok && (ok || error == o.error);
  }
};

outcome feed(const std::vector<std::string>& chunks, bool headers = true,
             parser_limits limits = {}) {
  protocol_parser p{limits};
  p.set_headers_enabled(headers);
  recorder r;
  outcome out;
  for (const auto& c : chunks) {
    auto st = p.parse(c.data(), c.size(), r);
    if (!st.ok) {
      out.ok = false;
      out.error = st.error;
      break;
    }
  }
  out.ops = r.ops;
  return out;
}

outcome feed(const std::string& s, bool headers = true, parser_limits limits = {}) {
  return feed(std::vector<std::string>{s}, headers, limits);
}

const std::string transcript =
    "CONNECT {\"verbose\":false}\r\n"
    "SUB foo 1\r\n"
    "SUB bar.* q 2\r\n"
    "PUB foo 5\r\nhello\r\n"
    "PUB foo reply 0\r\n\r\n"
    "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
    "HPUB foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n"
    "UNSUB 1\r\n"
    "UNSUB 2 10\r\n"
    "PING\r\nPONG\r\n"
    "pub\tfoo\t\t3\nabc\r\n";

TEST(ProtocolParser, ParsesEveryClientOperation) {
  const auto out = feed(transcript);
  ASSERT_TRUE(out.ok);
  const std::vector<std::string> expected = {
      "CONNECT {\"verbose\":false}",
      "SUB foo||1",
      "SUB bar.*|q|2",
      "PUB foo||hello",
      "PUB foo|reply|",
      "HPUB foo||12|NATS/1.0\r\n\r\nhi",
      "HPUB foo|r|12|NATS/1.0\r\n\r\n",
      "UNSUB 1|",
      "UNSUB 2|10",
      "PING",
      "PONG",
      "PUB foo||abc",
  };
  EXPECT_EQ(out.ops, expected);
}

TEST(ProtocolParser, GivesTheSameResultForEverySplitIntoTwoReads) {
  const auto whole = feed(transcript);
  for (size_t cut = 0; cut <= transcript.size(); ++cut) {
    const auto split = feed({transcript.substr(0, cut), transcript.substr(cut)});
    ASSERT_EQ(split, whole) << "cut at " << cut;
  }
}

TEST(ProtocolParser, GivesTheSameResultFedOneByteAtATime) {
  std::vector<std::string> bytes;
  for (char c : transcript)
    bytes.emplace_back(1, c);
  EXPECT_EQ(feed(bytes), feed(transcript));
}

TEST(ProtocolParser, OpsAreCaseInsensitive) {
  const auto out = feed("sUb foo 1\r\nPiNg\r\npong\r\nunsub 1\r\nconnect {}\r\n");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.ops,
            (std::vector<std::string>{"SUB foo||1", "PING", "PONG", "UNSUB 1|", "CONNECT {}"}));
}

TEST(ProtocolParser, PingAndPongIgnoreTrailingBytes) {
  const auto out = feed("PINGX\r\nPING junk\nPONGY\r\n");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.ops, (std::vector<std::string>{"PING", "PING", "PONG"}));
}

TEST(ProtocolParser, IgnoresInfoAndOkFromClients) {
  const auto out = feed("INFO {}\r\n+OK\r\nPING\r\n");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.ops, (std::vector<std::string>{"PING"}));
}

struct error_case {
  const char* name;
  std::string input;
  error_code expected;
};

class ProtocolParserErrors : public ::testing::TestWithParam<error_case> {};

TEST_P(ProtocolParserErrors, ReportsTheNatsServerError) {
  const auto& c = GetParam();
  const auto out = feed(c.input, false);
  ASSERT_FALSE(out.ok) << c.name;
  EXPECT_EQ(out.error, c.expected) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    EveryError, ProtocolParserErrors,
    ::testing::Values(
        error_case{"unknown op", "FOO\r\n", error_code::unknown_protocol_operation},
        error_case{"empty line", "\r\n", error_code::unknown_protocol_operation},
        error_case{"bare unsub", "UNSUB\r\n", error_code::unknown_protocol_operation},
        error_case{"op glued to arg", "SUBfoo 1\r\n", error_code::unknown_protocol_operation},
        error_case{"msg from client", "MSG foo 1 1\r\na\r\n",
                   error_code::unknown_protocol_operation},
        error_case{"route op from client", "RS+ $G foo\r\n",
                   error_code::unknown_protocol_operation},
        error_case{"bad payload end", "PUB foo 1\r\nab\r\n",
                   error_code::unknown_protocol_operation},
        error_case{"payload not CRLF", "PUB foo 1\r\na\n\n",
                   error_code::unknown_protocol_operation},
        error_case{"garbage without newline", "XYZ", error_code::unknown_protocol_operation},
        error_case{"pub one arg", "PUB foo\r\n", error_code::protocol_arguments},
        error_case{"pub four args", "PUB a b c 1\r\n", error_code::protocol_arguments},
        error_case{"sub one arg", "SUB foo\r\n", error_code::protocol_arguments},
        error_case{"unsub three args", "UNSUB 1 2 3\r\n", error_code::protocol_arguments},
        error_case{"negative size", "PUB foo -1\r\n", error_code::bad_size},
        error_case{"ten digit size", "PUB foo 0000000001\r\n", error_code::bad_size},
        error_case{"hex size", "PUB foo 0x1\r\n", error_code::bad_size},
        error_case{"max payload", "PUB foo 2000000\r\n", error_code::maximum_payload_violation},
        error_case{"hpub without headers", "HPUB foo 1 2\r\n", error_code::headers_not_supported},
        error_case{"client -ERR", "-ERR 'x'\r\n", error_code::client_sent_error},
        error_case{"control line", "SUB " + std::string(4095, 'a') + " 1\r\n",
                   error_code::maximum_control_line_exceeded},
        error_case{"partial control line", "SUB " + std::string(5000, 'a'),
                   error_code::maximum_control_line_exceeded}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST(ProtocolParser, HeaderSizeLargerThanTotalIsAnError) {
  const auto out = feed("HPUB foo 5 2\r\n");
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.error, error_code::bad_header_size);
}

TEST(ProtocolParser, ControlLineAtTheLimitIsAccepted) {
  // nats-server measures the arguments: 4096 bytes of "<subject> <sid>" is allowed.
  const auto out = feed("SUB " + std::string(4094, 'a') + " 1\r\n");
  EXPECT_TRUE(out.ok);
}

TEST(ProtocolParser, PayloadExactlyAtMaxPayloadIsAccepted) {
  parser_limits limits;
  limits.max_payload = 8;
  const auto out = feed("PUB foo 8\r\n12345678\r\n", true, limits);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.ops, (std::vector<std::string>{"PUB foo||12345678"}));
  EXPECT_FALSE(feed("PUB foo 9\r\n123456789\r\n", true, limits).ok);
}

TEST(ProtocolParser, BinaryPayloadsPassUnchanged) {
  std::string payload{"\0\r\n\xff\x01PUB", 8};
  const auto out = feed("PUB b 8\r\n" + payload + "\r\n");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.ops, (std::vector<std::string>{"PUB b||" + payload}));
}

TEST(ProtocolParser, StopsWhenTheHandlerSaysSo) {
  protocol_parser p;
  recorder r;
  r.stop_on_ping = true;
  const std::string input = "PING\r\nPING\r\n";
  const auto st = p.parse(input.data(), input.size(), r);
  EXPECT_FALSE(st.ok);
  EXPECT_TRUE(st.stopped_by_handler);
  EXPECT_EQ(r.ops.size(), 1u);
}

TEST(ProtocolParser, BuffersNoMoreThanTheControlLineLimitAcrossReads) {
  protocol_parser p;
  recorder r;
  const std::string chunk(1000, 'a');
  const std::string start = "SUB ";
  p.parse(start.data(), start.size(), r);
  for (int i = 0; i < 4; ++i) {
    const auto st = p.parse(chunk.data(), chunk.size(), r);
    ASSERT_TRUE(st.ok);
    EXPECT_LE(p.buffered_bytes(), 4096u);
  }
  EXPECT_FALSE(p.parse(chunk.data(), chunk.size(), r).ok);
}

TEST(ParseSize, AcceptsOneToNineDigitsOnly) {
  EXPECT_EQ(parse_size("0"), 0);
  EXPECT_EQ(parse_size("999999999"), 999999999);
  EXPECT_EQ(parse_size("1000000000"), -1);
  EXPECT_EQ(parse_size(""), -1);
  EXPECT_EQ(parse_size("+1"), -1);
  EXPECT_EQ(parse_size("1a"), -1);
}

}  // namespace
}  // namespace gnatsd::proto
