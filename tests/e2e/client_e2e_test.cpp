// End-to-end tests: the real gnatsd binary on loopback, used through Debian's libnats C
// client exactly as an application would use it, plus raw sockets where the check is about
// what the server sends on the wire.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <thread>

#include "../support/e2e_helpers.hpp"
#include "../support/nats_client.hpp"
#include "../support/server_process.hpp"

namespace gnatsd::testing {
namespace {

bool ipv6_loopback_available() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// nats-server listens dual-stack on its default 0.0.0.0 (Go does on a wildcard), so clients
// that resolve localhost to ::1 first connect at once; gnatsd must too.
TEST(ClientE2E, TheDefaultListenAddressTakesIpv6ClientsToo) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "this machine has no IPv6 loopback";
  server_process s{gnatsd_binary(), {"-p", "-1", "-D"}};  // 0.0.0.0; traffic stays on loopback
  natsConnection* raw = nullptr;
  const std::string v6 = "nats://[::1]:" + std::to_string(s.port());
  ASSERT_EQ(natsConnection_ConnectTo(&raw, v6.c_str()), NATS_OK);
  conn_ptr nc6{raw};
  auto nc4 = connect(s);  // 127.0.0.1 on the same listener
  auto sub = subscribe(nc6.get(), "both.families");
  natsConnection_FlushTimeout(nc6.get(), 5000);
  natsConnection_PublishString(nc4.get(), "both.families", "hi");
  natsConnection_FlushTimeout(nc4.get(), 5000);
  auto m = next(sub.get());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(data_of(m), "hi");
  // Log prefixes as Go writes them; IPv4 clients keep their plain address.
  EXPECT_TRUE(s.wait_for_log("[::1]:"));
  EXPECT_TRUE(s.wait_for_log(" 127.0.0.1:"));
}

TEST(ClientE2E, PayloadsArriveExactly) {
  server_process s{gnatsd_binary(), local_args()};
  auto nc = connect(s);
  auto sub = subscribe(nc.get(), "payload");
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary += static_cast<char>(i);
  const std::string max(1024 * 1024, 'm');
  const std::vector<std::string> payloads = {"hello world", binary, "", max, "\r\nPUB x 1\r\n"};
  for (const auto& p : payloads)
    ASSERT_EQ(natsConnection_Publish(nc.get(), "payload", p.data(), static_cast<int>(p.size())),
              NATS_OK);
  ASSERT_EQ(natsConnection_FlushTimeout(nc.get(), 5000), NATS_OK);
  for (const auto& p : payloads) {
    auto m = next(sub.get());
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(data_of(m), p);
  }
}

TEST(ClientE2E, WildcardsMatchAsInNatsServer) {
  server_process s{gnatsd_binary(), local_args()};
  auto nc = connect(s);
  auto star = subscribe(nc.get(), "a.*");
  auto full = subscribe(nc.get(), "a.>");
  natsConnection_PublishString(nc.get(), "a.b", "1");
  natsConnection_PublishString(nc.get(), "a.b.c", "2");
  natsConnection_PublishString(nc.get(), "b.c", "3");
  natsConnection_FlushTimeout(nc.get(), 5000);
  EXPECT_EQ(data_of(next(star.get())), "1");
  EXPECT_EQ(next(star.get(), 200), nullptr);
  EXPECT_EQ(data_of(next(full.get())), "1");
  EXPECT_EQ(data_of(next(full.get())), "2");
  EXPECT_EQ(next(full.get(), 200), nullptr);
}

TEST(ClientE2E, QueueGroupMembersShareTheMessages) {
  server_process s{gnatsd_binary(), local_args()};
  std::vector<conn_ptr> conns;
  std::vector<sub_ptr> subs;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(connect(s));
    subs.push_back(subscribe(conns.back().get(), "jobs", "workers"));
    natsConnection_FlushTimeout(conns.back().get(), 5000);
  }
  auto pub = connect(s);
  for (int i = 0; i < 300; ++i)
    natsConnection_PublishString(pub.get(), "jobs", "x");
  natsConnection_FlushTimeout(pub.get(), 5000);
  int total = 0;
  for (auto& sub : subs) {
    int n = 0;
    while (next(sub.get(), 300) != nullptr)
      ++n;
    EXPECT_GT(n, 0);
    total += n;
  }
  EXPECT_EQ(total, 300);
}

void respond(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
  const std::string reply =
      "re:" + std::string{natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))};
  natsConnection_PublishString(nc, natsMsg_GetReply(msg), reply.c_str());
  natsMsg_Destroy(msg);
}

TEST(ClientE2E, RequestReplyAndNoResponders) {
  server_process s{gnatsd_binary(), local_args()};
  auto responder = connect(s);
  natsSubscription* raw = nullptr;
  ASSERT_EQ(natsConnection_Subscribe(&raw, responder.get(), "service", respond, nullptr), NATS_OK);
  sub_ptr sub{raw};
  natsConnection_FlushTimeout(responder.get(), 5000);
  auto requester = connect(s);
  for (int i = 0; i < 20; ++i) {
    natsMsg* reply = nullptr;
    const std::string body = "q" + std::to_string(i);
    ASSERT_EQ(natsConnection_RequestString(&reply, requester.get(), "service", body.c_str(), 5000),
              NATS_OK);
    msg_ptr r{reply};
    EXPECT_EQ(data_of(r), "re:" + body);
  }
  natsMsg* none = nullptr;
  EXPECT_EQ(natsConnection_RequestString(&none, requester.get(), "nobody.home", "x", 5000),
            NATS_NO_RESPONDERS);
}

TEST(ClientE2E, AutoUnsubscribeDeliversExactlyMax) {
  server_process s{gnatsd_binary(), local_args()};
  auto nc = connect(s);
  auto sub = subscribe(nc.get(), "limited");
  ASSERT_EQ(natsSubscription_AutoUnsubscribe(sub.get(), 3), NATS_OK);
  ASSERT_EQ(natsConnection_FlushTimeout(nc.get(), 5000), NATS_OK);
  auto pub = connect(s);
  for (int i = 0; i < 10; ++i)
    natsConnection_PublishString(pub.get(), "limited", "x");
  natsConnection_FlushTimeout(pub.get(), 5000);
  int n = 0;
  while (next(sub.get(), 300) != nullptr)
    ++n;
  EXPECT_EQ(n, 3);
}

TEST(ClientE2E, HeadersTravelWithMessages) {
  server_process s{gnatsd_binary(), local_args()};
  auto nc = connect(s);
  auto sub = subscribe(nc.get(), "hdr");
  natsMsg* m = nullptr;
  ASSERT_EQ(natsMsg_Create(&m, "hdr", nullptr, "body", 4), NATS_OK);
  natsMsgHeader_Set(m, "X-Trace", "abc");
  ASSERT_EQ(natsConnection_PublishMsg(nc.get(), m), NATS_OK);
  natsMsg_Destroy(m);
  auto got = next(sub.get());
  ASSERT_NE(got, nullptr);
  const char* value = nullptr;
  ASSERT_EQ(natsMsgHeader_Get(got.get(), "X-Trace", &value), NATS_OK);
  EXPECT_STREQ(value, "abc");
  EXPECT_EQ(data_of(got), "body");
}

TEST(ClientE2E, NoEchoSuppressesOwnMessages) {
  server_process s{gnatsd_binary(), local_args()};
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetNoEcho(raw, true);
  natsConnection* nc = nullptr;
  ASSERT_EQ(natsConnection_Connect(&nc, raw), NATS_OK);
  conn_ptr conn{nc};
  auto sub = subscribe(nc, "echo");
  auto other = connect(s);
  auto other_sub = subscribe(other.get(), "echo");
  natsConnection_FlushTimeout(other.get(), 5000);
  natsConnection_PublishString(nc, "echo", "x");
  natsConnection_FlushTimeout(nc, 5000);
  EXPECT_NE(next(other_sub.get()), nullptr);
  EXPECT_EQ(next(sub.get(), 300), nullptr);
}

natsStatus connect_with(const server_process& s, const char* user, const char* pass,
                        const char* token) {
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetAllowReconnect(raw, false);
  if (user) natsOptions_SetUserInfo(raw, user, pass);
  if (token) natsOptions_SetToken(raw, token);
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, raw);
  if (nc) natsConnection_Destroy(nc);
  return st;
}

TEST(ClientE2E, UserAndPasswordAuthentication) {
  server_process s{gnatsd_binary(), local_args({"--user", "alice", "--pass", "s3cret"})};
  EXPECT_EQ(connect_with(s, "alice", "s3cret", nullptr), NATS_OK);
  EXPECT_NE(connect_with(s, "alice", "wrong", nullptr), NATS_OK);
  EXPECT_NE(connect_with(s, nullptr, nullptr, nullptr), NATS_OK);
  raw_client raw{s.port()};
  raw.send("CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"bad\"}\r\n");
  EXPECT_NE(raw.read_until("Authorization Violation").find("-ERR 'Authorization Violation'\r\n"),
            std::string::npos);
  EXPECT_TRUE(raw.wait_closed());
}

TEST(ClientE2E, TokenAuthentication) {
  server_process s{gnatsd_binary(), local_args({"--auth", "t0ken"})};
  EXPECT_EQ(connect_with(s, nullptr, nullptr, "t0ken"), NATS_OK);
  EXPECT_NE(connect_with(s, nullptr, nullptr, "nope"), NATS_OK);
}

TEST(ClientE2E, MaxPayloadViolationIsRefusedAndClosed) {
  const auto conf = write_config("maxpayload.conf", "max_payload: 1KB\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  auto nc = connect(s);
  const std::string big(2000, 'x');
  EXPECT_EQ(natsConnection_Publish(nc.get(), "x", big.data(), static_cast<int>(big.size())),
            NATS_MAX_PAYLOAD);
  raw_client raw{s.port()};
  raw.send("CONNECT {\"verbose\":false}\r\nPUB x 2000\r\n");
  EXPECT_NE(raw.read_until("Violation").find("-ERR 'Maximum Payload Violation'\r\n"),
            std::string::npos);
  EXPECT_TRUE(raw.wait_closed());
  EXPECT_EQ(natsConnection_FlushTimeout(nc.get(), 5000), NATS_OK);  // others unaffected
}

TEST(ClientE2E, SlowConsumerIsClosedWhileOthersCarryOn) {
  // The subscriber that never reads crosses max_pending and is closed; the reading one is
  // never at risk: the publisher is held back while any destination is over half of
  // max_pending (the stall gate), and goes on after at most a second per read buffer.
  const auto conf = write_config("slow.conf", "max_pending: 1MB\nmax_payload: 64KB\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  raw_client slow{s.port(), 4096};
  slow.send("CONNECT {\"verbose\":false}\r\nSUB data 1\r\nPING\r\n");
  ASSERT_NE(slow.read_until("PONG").find("PONG"), std::string::npos);
  auto fast_conn = connect(s);
  auto fast = subscribe(fast_conn.get(), "data");
  natsConnection_FlushTimeout(fast_conn.get(), 5000);
  auto pub = connect(s);
  const std::string payload(1024, 'p');
  constexpr int total = 10000;
  std::atomic<int> received{0};
  std::thread reader{[&] {
    while (received < total && next(fast.get(), 5000) != nullptr)
      ++received;
  }};
  for (int i = 0; i < total; ++i)
    natsConnection_Publish(pub.get(), "data", payload.data(), static_cast<int>(payload.size()));
  natsConnection_FlushTimeout(pub.get(), 30000);
  reader.join();
  EXPECT_EQ(received.load(), total);
  EXPECT_TRUE(s.wait_for_log("- cid:1 - Slow Consumer Detected: MaxPending of 1048576 Exceeded",
                             std::chrono::seconds{30}));
  EXPECT_EQ(s.log().find("- cid:2 - Slow Consumer"), std::string::npos) << s.log();
  EXPECT_TRUE(slow.wait_closed(std::chrono::seconds{20}));
  EXPECT_EQ(natsConnection_FlushTimeout(pub.get(), 5000), NATS_OK);
}

TEST(ClientE2E, FastPublisherIsHeldBackInsteadOfLosingAReadingSubscriber) {
  // nats-server's stall gate: a subscriber that reads, only slower than the publisher writes,
  // slows the publisher down. Without it the publisher below fills the 4 MB max_pending in
  // milliseconds and the subscriber is closed as a slow consumer, losing messages. (A stall
  // ends after 100 ms even if the reader made no progress, as in nats-server; the margin
  // between the 2 MB mark and max_pending absorbs a reader starved for several of those.)
  const auto conf = write_config("stall.conf", "max_pending: 4MB\n");
  server_process s{gnatsd_binary(), local_args({"-c", conf})};
  raw_client sub{s.port(), 16 * 1024};
  sub.send("CONNECT {\"verbose\":false}\r\nSUB data 1\r\nPING\r\n");
  ASSERT_NE(sub.read_until("PONG").find("PONG"), std::string::npos);
  raw_client pub{s.port()};
  constexpr int total = 40000;  // 40 MB, ten times max_pending
  const std::string frame = "PUB data 1000\r\n" + std::string(1000, 'p') + "\r\n";
  std::string all = "CONNECT {\"verbose\":false}\r\n";
  for (int i = 0; i < total; ++i)
    all += frame;
  std::thread publisher{[&] { pub.send(all + "PING\r\n"); }};
  const std::string header = "MSG data 1 1000\r\n";
  int received = 0;
  size_t scan = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (received < total && !sub.closed() && std::chrono::steady_clock::now() < deadline) {
    sub.read_some(100);
    for (size_t at; (at = sub.received().find(header, scan)) != std::string::npos;) {
      ++received;
      scan = at + header.size();
    }
    // Read at most 64 KiB per 2 ms (about 32 MB/s): slower than the publisher.
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  publisher.join();
  EXPECT_EQ(received, total);
  EXPECT_FALSE(sub.closed());
  EXPECT_EQ(s.log().find("Slow Consumer"), std::string::npos) << s.log();
  EXPECT_NE(pub.read_until("PONG").find("PONG"), std::string::npos);
}

}  // namespace
}  // namespace gnatsd::testing
