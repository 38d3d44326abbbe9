// Subject mappings (accounts/subject_transform, accounts/subject_mappings): nats-server
// 2.9's transform functions, its refusals, and weighted destinations.
#include <gtest/gtest.h>

#include <map>

#include "accounts/subject_mappings.hpp"
#include "accounts/subject_transform.hpp"

namespace gnatsd {
namespace {

std::string mapped(const std::string& source, const std::string& dest, const std::string& subject) {
  std::string error, out;
  const auto t = subject_transform::make(source, dest, error);
  EXPECT_TRUE(t) << error;
  if (!t) return error;
  EXPECT_TRUE(t->matches(subject));
  t->apply(subject, out);
  return out;
}

std::string refusal(const std::string& source, const std::string& dest) {
  std::string error;
  EXPECT_FALSE(subject_transform::make(source, dest, error));
  return error;
}

TEST(SubjectTransform, FunctionsReshapeTheSourceWildcards) {
  EXPECT_EQ(mapped("a.*.*", "b.$2.$1", "a.x.y"), "b.y.x");
  EXPECT_EQ(mapped("a.*", "b.{{ Wildcard( 1 ) }}", "a.x"), "b.x");
  EXPECT_EQ(mapped("a.>", "b.>", "a.x.y.z"), "b.x.y.z");
  EXPECT_EQ(mapped("s.*", "{{splitFromLeft(1,2)}}", "s.abcdef"), "ab.cdef");
  EXPECT_EQ(mapped("s.*", "{{splitFromRight(1,2)}}", "s.abcdef"), "abcd.ef");
  EXPECT_EQ(mapped("s.*", "{{splitFromLeft(1,9)}}", "s.abc"), "abc");  // past the end: whole
  EXPECT_EQ(mapped("s.*", "{{sliceFromLeft(1,3)}}", "s.abcdefgh"), "abc.def.gh");
  EXPECT_EQ(mapped("s.*", "{{sliceFromRight(1,3)}}", "s.abcdefgh"), "ab.cde.fgh");
  EXPECT_EQ(mapped("s.*", "{{split(1,-)}}", "s.a-b--c-"), "a.b.c");
  // FNV-1a of the chosen tokens, modulo the partitions (what nats-server computes).
  EXPECT_EQ(mapped("part.*", "p.{{partition(7,1)}}.$1", "part.alpha"), "p.5.alpha");
  EXPECT_EQ(mapped("whole", "w.{{partition(5)}}", "whole"), "w.{{partition(5)}}");
}

TEST(SubjectTransform, RefusalsAreNatsServers) {
  EXPECT_EQ(refusal("foo.*", "bar.$2"),
            "invalid mapping destination: wildcard index out of range in $2: [2]");
  EXPECT_EQ(refusal("foo.*", "bar"),
            "invalid mapping destination: not using all of the token wildcard(s) in bar");
  EXPECT_EQ(refusal("foo.>", "bar.baz"), "invalid subject");
  EXPECT_EQ(refusal("foo", "bar.*"), "invalid subject");
  EXPECT_EQ(refusal("foo.*", "bar.{{nope(1)}}"),
            "invalid mapping destination: unknown function in {{nope(1)}}");
  EXPECT_EQ(refusal("foo.*", "bar.{{wildcard()}}"),
            "invalid mapping destination: not enough arguments passed to the function in "
            "{{wildcard()}}");
  EXPECT_EQ(refusal("foo.*", "{{split(1,a b)}}"),
            "invalid mapping destination: function argument is invalid or in the wrong format "
            "in {{split(1,a b)}}");
}

TEST(SubjectMappings, WeightsSplitTheTrafficAndTheRestKeepsItsSubject) {
  mapping_options m;
  m.source = "w";
  m.destinations = {{"a", 50, {}}, {"b", 30, {}}, {"east", 100, "east"}};
  const subject_mappings west{{m}, "west"};
  prng rng{7};
  std::map<std::string, int> seen;
  std::string out;
  for (int i = 0; i < 10000; ++i)
    ++seen[west.map("w", rng, out) ? out : "w"];
  EXPECT_NEAR(seen["a"], 5000, 300);
  EXPECT_NEAR(seen["b"], 3000, 300);
  EXPECT_NEAR(seen["w"], 2000, 300);  // the 20% left keep the subject
  EXPECT_EQ(seen.count("east"), 0u);  // another cluster's destination
  const subject_mappings east{{m}, "east"};
  EXPECT_TRUE(east.map("w", rng, out));
  EXPECT_EQ(out, "east");
  EXPECT_FALSE(east.map("other", rng, out));
}

}  // namespace
}  // namespace gnatsd
