// Unit tests of the forwarding rules in message_router: what a message from a client and a
// message from a route reach, with local and route-owned subscriptions in one sublist.
#include "routing/message_router.hpp"
#include "../support/config_text.hpp"

#include "routing/producer_stall.hpp"

#include <gtest/gtest.h>

#include "../support/text.hpp"

#include <map>

namespace gnatsd {
namespace {

using testing::null_log;

// Records what each destination was handed.
class recording_subscriber final : public subscriber {
 public:
  recording_subscriber(uint64_t id, bool route) : subscriber(id, route) {}
  void deliver(delivery_batch batch) override {
    received.append(batch.bytes.begin(), batch.bytes.end());
    messages += batch.messages;
  }
  void subscription_expired(uint64_t) override {}
  std::string received;
  uint64_t messages = 0;
};

struct fixture {
  fixture() {
    ctx = std::make_shared<server_context>();
    ctx->log = std::make_shared<null_log>();
  }
  std::shared_ptr<recording_subscriber> client(uint64_t id) {
    return std::make_shared<recording_subscriber>(id, false);
  }
  std::shared_ptr<recording_subscriber> route(uint64_t id) {
    return std::make_shared<recording_subscriber>(id, true);
  }
  void sub(const std::shared_ptr<recording_subscriber>& owner, std::string subject,
           std::string queue = {}, int32_t weight = 1) {
    auto s = std::make_shared<subscription>();
    s->subject = std::move(subject);
    s->queue = std::move(queue);
    s->sid = std::to_string(++next_sid);
    s->owner = owner;
    s->id = next_sid;
    s->weight = weight;
    ctx->accounts.global()->subscriptions().insert(s);
  }
  size_t publish(std::string_view subject, const subscriber* self, bool from_route,
                 const std::vector<std::string_view>* queues = nullptr) {
    message_router r{*ctx, rng};
    message_origin o;
    o.acc = ctx->accounts.global().get();
    o.self = self;
    o.from_route = from_route;
    o.queues = queues;
    std::vector<char> self_out;
    o.self_out = &self_out;
    const size_t n = r.route({subject, "", false, 0, "x"}, o);
    r.flush();
    return n;
  }
  server_context_ptr ctx;
  prng rng{42};
  uint64_t next_sid = 0;
};

using gnatsd::testing::count;

TEST(MessageRouter, AMessageFromAClientReachesEachRouteOnceWhateverMatches) {
  fixture f;
  auto publisher = f.client(1), local = f.client(2), r1 = f.route(10), r2 = f.route(11);
  f.sub(local, "a.b");
  f.sub(r1, "a.*");
  f.sub(r1, "a.>");  // two matches on one route: still one RMSG
  f.sub(r1, "a.b", "q1", 3);
  f.sub(r2, "a.b");
  EXPECT_EQ(f.publish("a.b", publisher.get(), false), 3u);  // local, r1 (plain), r2
  EXPECT_EQ(count(local->received, "MSG a.b"), 1u);
  EXPECT_EQ(r1->received, "RMSG $G a.b | q1 1\r\nx\r\n");
  EXPECT_EQ(r2->received, "RMSG $G a.b 1\r\nx\r\n");
}

TEST(MessageRouter, AMessageFromARouteNeverGoesToAnotherRoute) {
  fixture f;
  auto from = f.route(10), other = f.route(11), local = f.client(2);
  f.sub(other, "a.b");
  f.sub(other, "a.b", "q1", 5);
  f.sub(local, "a.b");
  const std::vector<std::string_view> queues{"q1"};
  f.publish("a.b", from.get(), true, &queues);
  EXPECT_EQ(other->messages, 0u);
  EXPECT_EQ(count(local->received, "MSG a.b"), 1u);
}

TEST(MessageRouter, RoutedQueueGroupsAreServedByALocalMemberOnlyWhenNamed) {
  fixture f;
  auto from = f.route(10), m1 = f.client(2), m2 = f.client(3);
  f.sub(m1, "jobs", "workers");
  f.sub(m2, "jobs", "workers");
  const std::vector<std::string_view> none, named{"workers"};
  f.publish("jobs", from.get(), true, &none);
  EXPECT_EQ(m1->messages + m2->messages, 0u) << "no queue list: queue members get nothing";
  for (int i = 0; i < 100; ++i)
    f.publish("jobs", from.get(), true, &named);
  EXPECT_EQ(m1->messages + m2->messages, 100u);
  EXPECT_GT(m1->messages, 0u);
  EXPECT_GT(m2->messages, 0u);
}

TEST(MessageRouter, QueueChoiceIsWeightedByRemoteMemberCounts) {
  fixture f;
  auto publisher = f.client(1), local = f.client(2), remote = f.route(10);
  f.sub(local, "jobs", "workers");
  f.sub(remote, "jobs", "workers", 9);  // nine members on the remote server
  for (int i = 0; i < 2000; ++i)
    f.publish("jobs", publisher.get(), false);
  EXPECT_EQ(local->messages + remote->messages, 2000u) << "exactly one member per message";
  // Expect about 10% local; allow a wide margin (the generator is seeded, so this is fixed).
  EXPECT_GT(local->messages, 100u);
  EXPECT_LT(local->messages, 300u);
}

TEST(MessageRouter, ClosedMembersAreSkipped) {
  fixture f;
  auto publisher = f.client(1), gone = f.client(2), alive = f.client(3);
  f.sub(gone, "jobs", "workers");
  f.sub(alive, "jobs", "workers");
  auto result = f.ctx->accounts.global()->subscriptions().match("jobs");
  for (auto& m : result->queues[0].members)
    if (m->owner == gone) m->closed = true;
  for (int i = 0; i < 50; ++i)
    f.publish("jobs", publisher.get(), false);
  EXPECT_EQ(gone->messages, 0u);
  EXPECT_EQ(alive->messages, 50u);
}

// A publisher's router with a given max_pending, for the producer-stall tests: `send`
// publishes on "s" and hands the batches over, as at the end of a read buffer.
struct stall_fixture : fixture {
  explicit stall_fixture(int64_t max_pending) {
    server_options o;
    o.max_pending = max_pending;
    ctx->set_options(o);
    ctx->set_limits(limits_of(o));
    router = std::make_unique<message_router>(*ctx, rng);
    origin.acc = ctx->accounts.global().get();
    origin.self = publisher.get();
    origin.self_out = &self_out;
  }
  void send(size_t payload_size) {
    const std::string payload(payload_size, 'x');
    router->route({"s", "", false, 0, payload}, origin);
    router->flush();
  }
  std::shared_ptr<recording_subscriber> publisher = client(1);
  std::unique_ptr<message_router> router;
  message_origin origin;
  std::vector<char> self_out;
};

TEST(MessageRouter, AClientDestinationOverHalfOfMaxPendingStallsItsProducer) {
  stall_fixture f{1000};
  auto slow = f.client(2);
  f.sub(slow, "s");
  auto& router = *f.router;
  f.send(100);
  EXPECT_FALSE(router.stalled());  // one frame: far under the mark of 500
  EXPECT_EQ(slow->in_transit.load(), static_cast<int64_t>(slow->received.size()));
  slow->handed = 450;  // its socket has not taken it yet
  f.send(100);
  ASSERT_TRUE(router.stalled());
  EXPECT_EQ(router.stall_wait(), stall_wait(slow->backlog(), 1000));
  EXPECT_GT(router.stall_wait(), std::chrono::milliseconds{100});  // 180 bytes over: 3 steps
  EXPECT_FALSE(router.stall_holds()) << "a client stall always times out";
  EXPECT_FALSE(router.stall_cleared());
  slow->in_transit = 0;  // the owner received both batches and wrote most of its output
  slow->handed = 100;
  EXPECT_TRUE(router.stall_cleared());
  EXPECT_FALSE(router.stalled());
}

TEST(MessageRouter, ARouteFarBehindHoldsItsProducerUntilItDrains) {
  constexpr int64_t mib = 1024 * 1024;
  stall_fixture f{16 * mib};  // stall mark 4 MiB, hold mark 8 MiB
  auto r = f.route(10);
  f.sub(r, "s");
  auto& router = *f.router;
  r->handed = 5 * mib;
  f.send(100);
  ASSERT_TRUE(router.stalled()) << "routes stall their producers like clients do";
  EXPECT_FALSE(router.stall_holds()) << "not yet half of max_pending behind: a timed stall";
  r->handed = 9 * mib;  // the stuck peer read nothing, more is queued
  EXPECT_TRUE(router.stall_holds()) << "half of max_pending behind: no time limit";
  r->gone = true;  // the route closed: nothing to wait for
  EXPECT_FALSE(router.stall_holds());
  EXPECT_TRUE(router.stall_cleared());
}

TEST(MessageRouter, AStalledDestinationThatWritesNothingIsNotProgressing) {
  stall_fixture f{1000};
  auto slow = f.client(2);
  f.sub(slow, "s");
  slow->handed = 600;  // over the mark of 500 already
  auto& router = *f.router;
  f.send(10);
  ASSERT_TRUE(router.stalled());
  EXPECT_FALSE(router.stall_progressing()) << "its socket took nothing since the stall began";
  slow->written = 100;  // the transport wrote something
  EXPECT_TRUE(router.stall_progressing());
  EXPECT_FALSE(router.stall_cleared()) << "still over the mark";
}

TEST(MessageRouter, AGoneDestinationNeverStallsItsProducer) {
  fixture f;
  auto slow = f.client(2);
  slow->handed = 1'000'000;
  EXPECT_GT(slow->backlog(), 0);
  slow->gone = true;
  EXPECT_EQ(slow->backlog(), 0);
}

TEST(MessageRouter, MatchCacheUseIsReportedToTheSublistStatistics) {
  fixture f;
  auto publisher = f.client(1), local = f.client(2);
  f.sub(local, "a");
  {
    message_router router{*f.ctx, f.rng};
    message_origin o;
    o.acc = f.ctx->accounts.global().get();
    o.self = publisher.get();
    std::vector<char> self_out;
    o.self_out = &self_out;
    for (const char* subject : {"a", "a", "b", "a"})
      router.route({subject, "", false, 0, "x"}, o);
    router.flush();
    const auto st = f.ctx->accounts.global()->subscriptions().stats();
    EXPECT_EQ(st.matches, 4u);  // every lookup, as nats-server counts them
    EXPECT_EQ(st.cache_hits, 2u);
    EXPECT_EQ(st.cache_entries, 2u);
  }
  EXPECT_EQ(f.ctx->accounts.global()->subscriptions().stats().cache_entries,
            0u);  // a closed connection's cache
}

TEST(ProducerStall, WaitGrowsWithTheOverrunLikeNatsServer) {
  using std::chrono::milliseconds;
  const int64_t mp = 64 * 1024 * 1024;
  EXPECT_EQ(stall_threshold(mp), 4 * 1024 * 1024);  // capped (docs/COMPATIBILITY.md)
  EXPECT_EQ(stall_threshold(1024 * 1024), 512 * 1024);
  EXPECT_EQ(stall_threshold(0), 0);
  EXPECT_EQ(stall_wait(mp / 2 + 1, mp), milliseconds{100});
  EXPECT_EQ(stall_wait(mp / 2 + mp / 20, mp), milliseconds{200});  // one tenth of the half over
  EXPECT_EQ(stall_wait(mp / 2 + 5 * (mp / 20), mp), milliseconds{600});
  EXPECT_EQ(stall_wait(mp - 1, mp), milliseconds{1000});
  EXPECT_EQ(stall_wait(mp, mp), milliseconds{1000});
}

}  // namespace
}  // namespace gnatsd
