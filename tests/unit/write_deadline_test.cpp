// Unit tests of the write deadline's bookkeeping (src/connection/write_deadline): when bytes that
// wait for the socket make a peer a slow consumer, and what the verdict reports.
#include "connection/write_deadline.hpp"

#include <gtest/gtest.h>

namespace gnatsd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr duration deadline = seconds{10};

TEST(WriteDeadline, BytesWrittenInTimeNeverExceedIt) {
  write_deadline d;
  for (int t = 0; t < 100; ++t) {
    d.handed(1000, seconds{t}, deadline);
    d.flushed(1000);
    EXPECT_FALSE(d.check(seconds{t} + milliseconds{500}, deadline).exceeded);
  }
  EXPECT_FALSE(d.active());
}

TEST(WriteDeadline, APeerThatTakesNothingIsFoundAfterTheDeadlineAndWithinASecondMore) {
  write_deadline d;
  d.handed(300, seconds{5}, deadline);
  d.handed(200, seconds{5}, deadline);
  duration found{};
  for (duration t = seconds{5}; t < seconds{30}; t += write_deadline::check_interval(deadline))
    if (d.check(t, deadline).exceeded) {
      found = t;
      break;
    }
  EXPECT_GE(found, seconds{15});
  EXPECT_LE(found, seconds{16});
}

TEST(WriteDeadline, TheVerdictSaysWhatWaitedAndWhatWasWritten) {
  write_deadline d;
  d.handed(1000, seconds{0}, deadline);
  d.handed(500, milliseconds{100}, deadline);  // marked at the next check, not at 0
  EXPECT_FALSE(d.check(seconds{1}, deadline).exceeded);
  d.flushed(400);  // a slow peer took a little
  const auto v = d.check(seconds{10}, deadline);
  ASSERT_TRUE(v.exceeded);  // the first 1000 bytes waited 10 s
  EXPECT_EQ(v.attempted, 1000u);
  EXPECT_EQ(v.chunks, 1u);
  EXPECT_EQ(v.written, 400u);
  // After a verdict the marks start over: the next one comes a whole deadline later.
  EXPECT_FALSE(d.check(seconds{11}, deadline).exceeded);
  const auto again = d.check(seconds{21}, deadline);
  EXPECT_TRUE(again.exceeded);
  EXPECT_EQ(again.written, 0u);
  EXPECT_EQ(again.attempted, 1100u);
}

TEST(WriteDeadline, AMarkIsNeverOlderThanTheBytesItCovers) {
  // Bytes handed just after a mark are marked at the next check, not at the older mark: a
  // byte is never judged before it waited the whole deadline.
  write_deadline d;
  d.handed(100, seconds{0}, deadline);
  d.flushed(100);
  d.handed(100, milliseconds{300}, deadline);  // within the interval of the first mark
  EXPECT_FALSE(d.check(milliseconds{500}, deadline).exceeded);
  EXPECT_FALSE(d.check(milliseconds{10'000}, deadline).exceeded);
  EXPECT_TRUE(d.check(milliseconds{10'500}, deadline).exceeded);
}

TEST(WriteDeadline, ChunksAreCountedUntilCompletelyWritten) {
  write_deadline d;
  d.handed(10, seconds{0}, deadline);
  d.handed(20, seconds{0}, deadline);
  d.flushed(15);
  EXPECT_EQ(d.pending(), 15u);
  EXPECT_EQ(d.pending_chunks(), 1u);
  d.flushed(15);
  EXPECT_EQ(d.pending_chunks(), 0u);
}

TEST(WriteDeadline, ChecksRunAtMostHalfASecondApart) {
  EXPECT_EQ(write_deadline::check_interval(seconds{10}), milliseconds{500});
  EXPECT_EQ(write_deadline::check_interval(seconds{1}), milliseconds{250});
  EXPECT_EQ(write_deadline::check_interval(milliseconds{2}), milliseconds{1});
}

}  // namespace
}  // namespace gnatsd
