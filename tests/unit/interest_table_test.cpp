// Unit tests of interest refcounts and the RS+/RS- order routes hear, against the wire
// sequence observed on nats-server 2.9.10 (reference section 2.11).
#include "routing/interest_table.hpp"

#include <gtest/gtest.h>

namespace gnatsd {
namespace {

interest_change add(std::string s, std::string q = {}) {
  return {std::move(s), std::move(q), +1};
}
interest_change del(std::string s, std::string q = {}) {
  return {std::move(s), std::move(q), -1};
}

TEST(InterestTable, FollowsNatsServersQueueWeightLifecycle) {
  interest_table t;
  std::string wire;
  // Client a: SUB foo grp 1, SUB foo grp2 2, SUB foo 3; client b: SUB foo grp 1.
  wire += t.apply({add("foo", "grp")});
  wire += t.apply({add("foo", "grp2")});
  wire += t.apply({add("foo")});
  wire += t.apply({add("foo", "grp")});
  wire += t.apply({del("foo", "grp")});               // b closes
  wire += t.apply({del("foo", "grp")});               // a UNSUBs grp
  wire += t.apply({del("foo"), del("foo", "grp2")});  // a closes
  EXPECT_EQ(wire,
            "RS+ $G foo grp 1\r\n"
            "RS+ $G foo grp2 1\r\n"
            "RS+ $G foo\r\n"
            "RS+ $G foo grp 2\r\n"
            "RS+ $G foo grp 1\r\n"
            "RS- $G foo grp\r\n"
            "RS- $G foo\r\n"
            "RS- $G foo grp2\r\n");
  EXPECT_EQ(t.keys(), 0u);
}

TEST(InterestTable, PlainInterestIsAnnouncedOnlyOnZeroOneTransitions) {
  interest_table t;
  EXPECT_EQ(t.apply({add("a"), add("a"), add("a")}), "RS+ $G a\r\n");
  EXPECT_EQ(t.apply({del("a"), del("a")}), "");
  EXPECT_EQ(t.count("a"), 1);
  EXPECT_EQ(t.apply({del("a")}), "RS- $G a\r\n");
}

TEST(InterestTable, SnapshotCarriesCurrentWeights) {
  interest_table t;
  t.apply({add("x"), add("y", "q"), add("y", "q"), add("y", "q"), add("z", "q")});
  t.apply({del("z", "q")});
  EXPECT_EQ(t.snapshot(), "RS+ $G x\r\nRS+ $G y q 3\r\n");
}

}  // namespace
}  // namespace gnatsd
