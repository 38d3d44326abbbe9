// Unit tests of interest refcounts and the RS+/RS- order routes hear, against the wire
// sequence observed on nats-server 2.9.10 (reference section 2.11).
#include "routing/interest_table.hpp"

#include <gtest/gtest.h>

namespace gnatsd {
namespace {

interest_change add(std::string s, std::string q = {}, std::string account = "$G") {
  return {std::move(account), std::move(s), std::move(q), +1};
}
interest_change del(std::string s, std::string q = {}, std::string account = "$G") {
  return {std::move(account), std::move(s), std::move(q), -1};
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
  EXPECT_EQ(t.count("$G", "a"), 1);
  EXPECT_EQ(t.apply({del("a")}), "RS- $G a\r\n");
}

TEST(InterestTable, SnapshotCarriesCurrentWeights) {
  interest_table t;
  t.apply({add("x"), add("y", "q"), add("y", "q"), add("y", "q"), add("z", "q")});
  t.apply({del("z", "q")});
  EXPECT_EQ(t.snapshot(), "RS+ $G x\r\nRS+ $G y q 3\r\n");
}

// Interest is counted per account: the same subject in two accounts is two keys, announced
// and withdrawn with each account's name, and the snapshot names each.
TEST(InterestTable, InterestIsCountedAndAnnouncedPerAccount) {
  interest_table t;
  EXPECT_EQ(t.apply({add("s", "", "A"), add("s", "", "B"), add("s", "", "A")}),
            "RS+ A s\r\nRS+ B s\r\n");
  EXPECT_EQ(t.count("A", "s"), 2);
  EXPECT_EQ(t.count("B", "s"), 1);
  EXPECT_EQ(t.count("$G", "s"), 0);
  EXPECT_EQ(t.apply({add("s", "q", "B")}), "RS+ B s q 1\r\n");
  EXPECT_EQ(t.snapshot(), "RS+ A s\r\nRS+ B s\r\nRS+ B s q 1\r\n");
  EXPECT_EQ(t.apply({del("s", "", "B")}), "RS- B s\r\n");
  EXPECT_EQ(t.count("A", "s"), 2);
}

// Cluster `permissions { import }`: interest the server may not import is counted but
// never announced, neither as it changes nor in a new route's snapshot.
TEST(InterestTable, InterestOutsideTheImportPermissionIsNotAnnounced) {
  interest_table t;
  permission_set perms;
  perms.publish.has_allow = true;
  perms.publish.allow = {"in.>"};
  t.set_import_filter(std::make_shared<const permission_checker>(perms));
  const std::string wire = t.apply({add("in.x"), add("other.x"), add("in.*", "q"), del("other.x")});
  EXPECT_EQ(wire, "RS+ $G in.x\r\nRS+ $G in.* q 1\r\n");
  t.apply({add("other.y")});
  EXPECT_EQ(t.snapshot(), "RS+ $G in.* q 1\r\nRS+ $G in.x\r\n");
  EXPECT_EQ(t.count("$G", "other.y"), 1);
}

}  // namespace
}  // namespace gnatsd
