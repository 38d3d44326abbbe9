// Service latency tracking: the sampling decision, tracked replies, the server hash and the
// system service's rendering and pairing of halves (accounts/service_latency.hpp,
// system/latency_reports.hpp). The expected values come from nats-server 2.9.10.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accounts/service_latency.hpp"
#include "accounts/tracked_replies.hpp"
#include "system/latency_reports.hpp"

namespace gnatsd {
namespace {

using json = nlohmann::json;

bool sampled(int sampling, int roll, const std::string& headers, std::string* trace = nullptr) {
  std::string t;
  const bool yes = should_sample(latency_tracking{sampling, "lat"}, roll, headers, t);
  if (trace) *trace = t;
  return yes;
}

TEST(ServiceLatency, PercentagesSampleAsNatsServerDoes) {
  EXPECT_TRUE(sampled(100, 99, ""));
  EXPECT_TRUE(sampled(50, 50, ""));  // nats-server's `<=`: 51 rolls in 100
  EXPECT_FALSE(sampled(50, 51, ""));
  EXPECT_FALSE(sampled(0, 0, ""));  // headers only, and there are none
}

TEST(ServiceLatency, TraceHeadersDecideWhenThePercentageDidNot) {
  std::string trace;
  EXPECT_TRUE(sampled(0, 99,
                      "NATS/1.0\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-"
                      "00f067aa0ba902b7-01\r\ntracestate: a=b\r\nOther: x\r\n\r\n",
                      &trace));
  EXPECT_EQ(
      json::parse(trace),
      json::parse(R"({"Traceparent":["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
                            "Tracestate":["a=b"]})"));
  EXPECT_FALSE(sampled(
      0, 0,
      "NATS/1.0\r\nTraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\r\n\r\n"));
  EXPECT_TRUE(sampled(10, 99, "NATS/1.0\r\nX-B3-Sampled: 1\r\nX-B3-TraceId: 80f1\r\n\r\n", &trace));
  EXPECT_EQ(json::parse(trace), json::parse(R"({"X-B3-Sampled":["1"],"X-B3-Traceid":["80f1"]})"));
  EXPECT_FALSE(sampled(0, 0, "NATS/1.0\r\nX-B3-Sampled: 0\r\nX-B3-TraceId: 80f1\r\n\r\n"));
  EXPECT_TRUE(sampled(0, 0, "NATS/1.0\r\nX-B3-TraceId: 80f1\r\n\r\n"));
  EXPECT_TRUE(sampled(0, 0, "NATS/1.0\r\nb3: 80f1-e457-1-05e3\r\n\r\n"));
  EXPECT_FALSE(sampled(0, 0, "NATS/1.0\r\nB3: 80f1-e457-0\r\n\r\n"));
  EXPECT_FALSE(sampled(0, 0, "NATS/1.0\r\nB3: 0\r\n\r\n"));
  EXPECT_TRUE(
      sampled(0, 0, "NATS/1.0\r\nUber-Trace-Id: 479f:5adb:479f:1\r\nUberctx-k: v\r\n\r\n", &trace));
  EXPECT_EQ(json::parse(trace),
            json::parse(R"({"Uber-Trace-Id":["479f:5adb:479f:1"],"Uberctx-K":["v"]})"));
  EXPECT_FALSE(sampled(0, 0, "NATS/1.0\r\nUber-Trace-Id: 479f:5adb:479f:2\r\n\r\n"));
  EXPECT_FALSE(sampled(0, 0, "NATS/1.0\r\nUber-Trace-Id: 479f:5adb\r\n\r\n"));
}

TEST(ServiceLatency, TrackedRepliesCarryTheServerHash) {
  EXPECT_TRUE(is_tracked_reply("_R_.4J4ORZ.000000.NUmM6cRx.T"));
  EXPECT_FALSE(is_tracked_reply("_R_.4J4ORZ.000000"));
  EXPECT_FALSE(is_tracked_reply(".T"));
  EXPECT_EQ(tracked_reply_hash("_R_.4J4ORZ.000000.NUmM6cRx.T"), "NUmM6cRx");
  // nats-server 2.9.10 named "A" subscribes to $SYS.LATENCY.M2.NUmM6cRx.
  EXPECT_EQ(server_hash("A"), "NUmM6cRx");
}

connection_stats_ptr client(const std::string& account, int64_t rtt) {
  auto s = std::make_shared<connection_stats>();
  s->account = account;
  s->user = "u";
  s->host = "127.0.0.1";
  s->start_steady_ns = 1'000;
  s->rtt_ns = rtt;
  return s;
}

latency_sample sample(latency_sample::kind what, const std::string& subject,
                      const std::string& reply, int64_t request_ns, int64_t response_ns) {
  latency_sample s;
  s.what = what;
  s.account = "S";
  s.subject = subject;
  s.reply = reply;
  s.request_ns = request_ns;
  s.response_ns = response_ns;
  return s;
}

system::latency_context at(int64_t steady) {
  return {1'700'000'000'000'000'000 + steady, steady, "A", "C", "ID"};
}

TEST(ServiceLatency, ALocalResultIsOneServiceLatency) {
  auto s = sample(latency_sample::kind::result, "lat.svc", "", 10'000, 20'000);
  s.requester = latency_party{7, client("R", 100), false};
  s.responder = latency_party{8, client("S", 50), true};
  system::latency_reports reports;
  const auto m = reports.measured(s, at(20'500));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->account, "S");
  EXPECT_EQ(m->subject, "lat.svc");
  const auto j = json::parse(m->payload);
  EXPECT_EQ(j["type"], "io.nats.server.metric.v1.service_latency");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["requestor"], json::parse(R"({"acc":"R","rtt":100})"));
  EXPECT_EQ(j["responder"]["id"], 8);
  EXPECT_EQ(j["responder"]["server"], "A");
  EXPECT_EQ(j["responder"]["cluster"], "C");
  EXPECT_EQ(j["service"], 10'000 - 50);  // less the responder's RTT
  EXPECT_EQ(j["system"], 500);           // from the response to the report
  EXPECT_EQ(j["total"], 100 + 10'000 + 500);
}

TEST(ServiceLatency, HalvesFromTwoServersAreMergedWhicheverComesFirst) {
  for (const bool remote_first : {false, true}) {
    const std::string reply = "_R_.4J4ORZ.000000.NUmM6cRx.T";
    auto local = sample(latency_sample::kind::local_half, "lat.svc", reply, 10'000, 30'000);
    local.requester = latency_party{7, client("R", 100), true};
    auto remote = sample(latency_sample::kind::remote_half, "", reply, 5'000, 15'000);
    remote.responder = latency_party{3, client("S", 40), true};
    system::latency_reports responder_side;
    const auto m2 = responder_side.measured(remote, at(15'000));
    ASSERT_TRUE(m2);
    EXPECT_EQ(m2->subject, "$SYS.LATENCY.M2.NUmM6cRx");
    EXPECT_TRUE(m2->account.empty());
    const auto body = json::parse(m2->payload);
    EXPECT_EQ(body["account"], "S");
    EXPECT_EQ(body["req_id"], reply);
    EXPECT_EQ(body["m2"]["timestamp"], "0001-01-01T00:00:00Z");
    EXPECT_EQ(body["m2"]["service"], 10'000 - 40);
    EXPECT_EQ(body["m2"]["total"], 10'000);

    system::latency_reports requester_side;
    std::optional<system::latency_message> result;
    if (remote_first) {
      EXPECT_FALSE(requester_side.remote_half(m2->payload, "NUmM6cRx", at(16'000)));
      result = requester_side.measured(local, at(30'000));
    } else {
      EXPECT_FALSE(requester_side.measured(local, at(30'000)));
      EXPECT_FALSE(requester_side.remote_half(m2->payload, "OtherHsh", at(31'000)));
      result = requester_side.remote_half(m2->payload, "NUmM6cRx", at(31'000));
    }
    ASSERT_TRUE(result);
    EXPECT_EQ(requester_side.waiting(), 0u);
    const auto j = json::parse(result->payload);
    EXPECT_EQ(result->subject, "lat.svc");
    EXPECT_EQ(j["responder"]["id"], 3);
    EXPECT_EQ(j["service"], 10'000 - 40);
    EXPECT_EQ(j["system"], 20'000 - (9'960 + 40));  // the requester's view less the service
    EXPECT_EQ(j["total"], 100 + 20'000);
    const auto ordered = nlohmann::ordered_json::parse(result->payload);
    std::vector<std::string> keys;
    for (auto it = ordered.begin(); it != ordered.end(); ++it)
      keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"type", "id", "timestamp", "status", "requestor",
                                              "responder", "start", "service", "system", "total"}));
  }
}

TEST(ServiceLatency, UnpairedHalvesAreBoundedAndExpire) {
  system::latency_reports reports;
  for (size_t i = 0; i < system::latency_reports::capacity + 10; ++i) {
    reports.measured(sample(latency_sample::kind::local_half, "lat",
                            "_R_.x." + std::to_string(i) + ".h.T", 1, 2),
                     at(10));
  }
  EXPECT_EQ(reports.waiting(), system::latency_reports::capacity);
  EXPECT_FALSE(reports.remote_half("not json", "h", at(20)));
  EXPECT_FALSE(reports.remote_half(R"({"req_id":5})", "h", at(20)));
  const int64_t later = 10 + system::latency_reports::wait_ns;
  // Neither a reply another server marked nor a body no M2 is that large waits here.
  reports.remote_half(R"({"req_id":"_R_.x.y.other.T","m2":{}})", "h", at(later));
  reports.remote_half(R"({"req_id":"_R_.x.z.h.T","m2":{"pad":")" +
                          std::string(system::latency_reports::max_remote_bytes, 'x') + R"("}})",
                      "h", at(later));
  EXPECT_EQ(reports.waiting(), 0u);  // and the old ones expired
  reports.remote_half(R"({"req_id":"_R_.x.y.h.T","m2":{}})", "h", at(later));
  EXPECT_EQ(reports.waiting(), 1u);
}

// The responder's side: a tracked reply handed to a client is taken back once, when it
// answers; the table is bounded and forgets what waits too long.
TEST(TrackedReplies, AreTakenOnceBoundedAndExpire) {
  tracked_replies t;
  EXPECT_FALSE(t.any());
  EXPECT_FALSE(t.take("r"));
  t.record("r1", "S", 10);
  EXPECT_TRUE(t.any());
  const auto r = t.take("r1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->account, "S");
  EXPECT_EQ(r->arrived_ns, 10);
  EXPECT_FALSE(t.take("r1"));
  EXPECT_FALSE(t.any());
  for (size_t i = 0; i < tracked_replies::capacity + 5; ++i)
    t.record("x" + std::to_string(i), "S", 20);
  EXPECT_FALSE(t.take("x0"));  // the oldest went first
  EXPECT_TRUE(t.take("x" + std::to_string(tracked_replies::capacity + 4)));
  t.record("late", "S", 20 + tracked_replies::max_age_ns);
  EXPECT_FALSE(t.take("x5"));  // older than max_age: pruned by the next record
  EXPECT_TRUE(t.take("late"));
}

}  // namespace
}  // namespace gnatsd
