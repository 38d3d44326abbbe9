// Unit tests of the frame encoders and the INFO encoding.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/connect_options.hpp"
#include "proto/msg_encoder.hpp"
#include "proto/server_info.hpp"

namespace gnatsd::proto {
namespace {

std::string str(const std::vector<char>& v) {
  return {v.begin(), v.end()};
}

TEST(MsgEncoder, EncodesMsgWithAndWithoutReply) {
  std::vector<char> out;
  append_msg(out, {"foo", "", false, 0, "hello"}, "1");
  append_msg(out, {"foo", "_INBOX.x", false, 0, ""}, "22");
  EXPECT_EQ(str(out), "MSG foo 1 5\r\nhello\r\nMSG foo 22 _INBOX.x 0\r\n\r\n");
}

TEST(MsgEncoder, EncodesHmsg) {
  std::vector<char> out;
  append_hmsg(out, {"foo", "r", true, 12, "NATS/1.0\r\n\r\nhi"}, "1");
  EXPECT_EQ(str(out), "HMSG foo 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
}

TEST(ServerInfo, CarriesTheFieldsClientsDependOn) {
  server_info info;
  info.server_id = "NABC";
  info.server_name = "n1";
  info.version = "2.9.10";
  info.host = "0.0.0.0";
  info.port = 4222;
  info.max_payload = 1048576;
  info.client_id = 7;
  info.client_ip = "127.0.0.1";
  info.auth_required = true;
  const std::string line = encode_info(info);
  ASSERT_EQ(line.substr(0, 5), "INFO ");
  ASSERT_EQ(line.substr(line.size() - 3), " \r\n");
  const auto j = nlohmann::json::parse(line.substr(5, line.size() - 8));
  for (const char* key : {"server_id", "server_name", "version", "proto", "host", "port", "headers",
                          "max_payload", "client_id", "client_ip", "auth_required"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["proto"], 1);
  EXPECT_EQ(j["max_payload"], 1048576);
}

TEST(ConnectOptions, AppliesOverDefaultsAndIgnoresUnknownFields) {
  connect_options o;
  ASSERT_TRUE(apply_connect_json("{}", o));
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(o.pedantic);
  ASSERT_TRUE(apply_connect_json(R"({"verbose":false,"echo":false,"name":"n","x":[1]})", o));
  EXPECT_FALSE(o.verbose);
  EXPECT_FALSE(o.echo);
  EXPECT_EQ(o.name, "n");
  EXPECT_FALSE(apply_connect_json("{bad", o));
  EXPECT_FALSE(apply_connect_json("[]", o));
  EXPECT_FALSE(apply_connect_json(R"({"verbose":"yes"})", o));
}

TEST(ConnectOptions, IntegerFieldsTakeOnlyIntegersThatFitAsGoDoes) {
  connect_options o;
  ASSERT_TRUE(apply_connect_json(R"({"protocol":1})", o));
  EXPECT_EQ(o.protocol, 1);
  // Go's encoding/json refuses a float or an out-of-range number for an int field; casting
  // 1e100 to int would be undefined behaviour (fuzz_json found it under UBSan).
  EXPECT_FALSE(apply_connect_json(R"({"protocol":1e100})", o));
  EXPECT_FALSE(apply_connect_json(R"({"protocol":1.5})", o));
  EXPECT_FALSE(apply_connect_json(R"({"protocol":99999999999999999999})", o));
  EXPECT_FALSE(apply_connect_json(R"({"protocol":4294967296})", o));
  EXPECT_EQ(o.protocol, 1);
}

}  // namespace
}  // namespace gnatsd::proto
