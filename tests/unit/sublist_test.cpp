// Unit and property tests of subjects and the sublist. The property compares the sublist
// with the reference matcher (subject::matches, a linear token walk) over random
// subscriptions, removals and subjects drawn from a small alphabet so that they collide.
#include "sublist/sublist.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "subject/subject.hpp"

namespace gnatsd {
namespace {

class null_subscriber final : public subscriber {
 public:
  null_subscriber() : subscriber(1) {}
  void deliver(delivery_batch) override {}
  void subscription_expired(uint64_t) override {}
};

subscription_ptr make_sub(const std::string& subject, const std::string& queue = {},
                          uint64_t id = 0) {
  static auto owner = std::make_shared<null_subscriber>();
  auto s = std::make_shared<subscription>();
  s->subject = subject;
  s->queue = queue;
  s->sid = std::to_string(id);
  s->id = id;
  s->owner = owner;
  return s;
}

std::set<uint64_t> ids(const match_result& r) {
  std::set<uint64_t> out;
  for (const auto& s : r.plain)
    out.insert(s->id);
  for (const auto& g : r.queues)
    for (const auto& s : g.members)
      out.insert(s->id);
  return out;
}

TEST(Subject, ValidatesSubscriptionSubjects) {
  EXPECT_TRUE(subject::valid_subscription("foo"));
  EXPECT_TRUE(subject::valid_subscription("foo.*.bar"));
  EXPECT_TRUE(subject::valid_subscription("foo.>"));
  EXPECT_TRUE(subject::valid_subscription("fo*o"));
  EXPECT_FALSE(subject::valid_subscription(""));
  EXPECT_FALSE(subject::valid_subscription("foo..bar"));
  EXPECT_FALSE(subject::valid_subscription(".foo"));
  EXPECT_FALSE(subject::valid_subscription("foo."));
  EXPECT_FALSE(subject::valid_subscription("foo.>.bar"));
  EXPECT_FALSE(subject::valid_subscription("foo bar"));
}

TEST(Subject, LiteralSubjectsHaveNoWildcards) {
  EXPECT_TRUE(subject::valid_literal("foo.bar"));
  EXPECT_FALSE(subject::valid_literal("foo.*"));
  EXPECT_FALSE(subject::valid_literal("foo.>"));
  EXPECT_TRUE(subject::valid_literal("fo*o"));
}

TEST(Sublist, FullWildcardMatchesDeeperTokens) {
  sublist sl;
  sl.insert(make_sub("foo.>", {}, 1));
  EXPECT_EQ(ids(*sl.match("foo.bar")), std::set<uint64_t>{1});
  EXPECT_EQ(ids(*sl.match("foo.bar.baz")), std::set<uint64_t>{1});
  EXPECT_TRUE(sl.match("foo")->empty());
}

TEST(Sublist, PartialWildcardMatchesExactlyOneToken) {
  sublist sl;
  sl.insert(make_sub("foo.*", {}, 1));
  sl.insert(make_sub("*.bar", {}, 2));
  EXPECT_EQ(ids(*sl.match("foo.bar")), (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(ids(*sl.match("foo.baz")), std::set<uint64_t>{1});
  EXPECT_TRUE(sl.match("foo.bar.baz")->empty());
}

TEST(Sublist, EmptyTokenSubjectsMatchNothing) {
  sublist sl;
  sl.insert(make_sub(">", {}, 1));
  EXPECT_TRUE(sl.match("foo..bar")->empty());
  EXPECT_TRUE(sl.match("")->empty());
}

TEST(Sublist, GroupsQueueSubscriptionsByName) {
  sublist sl;
  sl.insert(make_sub("foo", "q1", 1));
  sl.insert(make_sub("foo", "q1", 2));
  sl.insert(make_sub("foo.*", "q2", 3));
  sl.insert(make_sub("*", "q1", 4));
  const auto r = sl.match("foo");
  ASSERT_EQ(r->queues.size(), 1u);
  EXPECT_EQ(r->queues[0].name, "q1");
  EXPECT_EQ(r->queues[0].members.size(), 3u);
}

TEST(Sublist, RemovePrunesAndBumpsTheGeneration) {
  sublist sl;
  auto a = make_sub("a.b.c", {}, 1);
  sl.insert(a);
  const auto g = sl.generation();
  EXPECT_TRUE(sl.remove(a));
  EXPECT_GT(sl.generation(), g);
  EXPECT_FALSE(sl.remove(a));
  EXPECT_TRUE(sl.match("a.b.c")->empty());
  EXPECT_EQ(sl.stats().subscriptions, 0u);
}

TEST(Sublist, DeepSubjectsBeyondTheInlineTokenStackMatch) {
  sublist sl;
  std::string deep = "t";
  for (int i = 0; i < 40; ++i)
    deep += ".t";
  sl.insert(make_sub(deep, {}, 1));
  sl.insert(make_sub("t.>", {}, 2));
  EXPECT_EQ(ids(*sl.match(deep)), (std::set<uint64_t>{1, 2}));
}

// Subjects from a tiny alphabet so that random subscriptions and publishes collide often.
rc::Gen<std::string> token_gen(bool wildcards) {
  if (wildcards)
    return rc::gen::weightedElement<std::string>(
        {{4, "a"}, {4, "b"}, {2, "c"}, {2, "*"}, {1, ">"}});
  return rc::gen::element<std::string>("a", "b", "c", "*");
}

rc::Gen<std::string> subject_gen(bool wildcards) {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(1, 5), token_gen(wildcards)),
      [](const std::vector<std::string>& tokens) {
        std::string s;
        for (size_t i = 0; i < tokens.size(); ++i) {
          if (i) s += '.';
          s += tokens[i];
        }
        return s;
      });
}

RC_GTEST_PROP(Sublist, MatchesEqualABruteForceMatcher, ()) {
  sublist sl;
  std::vector<subscription_ptr> live;
  uint64_t next_id = 1;
  const int steps = *rc::gen::inRange(1, 60);
  for (int i = 0; i < steps; ++i) {
    const int action = *rc::gen::inRange(0, 10);
    if (action < 5) {
      const std::string s = *subject_gen(true);
      if (!subject::valid_subscription(s)) continue;
      const std::string q = *rc::gen::element<std::string>("", "", "q1", "q2");
      auto sub = make_sub(s, q, next_id++);
      sl.insert(sub);
      live.push_back(sub);
    } else if (action < 7 && !live.empty()) {
      const size_t at = *rc::gen::inRange<size_t>(0, live.size());
      RC_ASSERT(sl.remove(live[at]));
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      const std::string pub = *subject_gen(false);
      std::set<uint64_t> expected;
      for (const auto& s : live)
        if (subject::matches(s->subject, pub)) expected.insert(s->id);
      RC_ASSERT(ids(*sl.match(pub)) == expected);
    }
  }
  RC_ASSERT(sl.stats().subscriptions == live.size());
}

}  // namespace
}  // namespace gnatsd
