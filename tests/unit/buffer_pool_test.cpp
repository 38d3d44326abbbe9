// Unit tests of the delivery-batch free list.
#include "util/buffer_pool.hpp"

#include <gtest/gtest.h>

namespace gnatsd {
namespace {

TEST(BufferPool, AReturnedBufferIsHandedOutAgainEmptyWithItsCapacity) {
  buffer_pool pool;
  std::vector<char> b = pool.take(64 * 1024);
  EXPECT_GE(b.capacity(), 64u * 1024);
  b.assign(1000, 'x');
  const char* memory = b.data();
  pool.give(std::move(b));
  std::vector<char> again = pool.take(32 * 1024);
  EXPECT_EQ(again.data(), memory);
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 64u * 1024);
}

TEST(BufferPool, TooSmallAFreeBufferIsNotHandedOut) {
  buffer_pool pool;
  std::vector<char> b = pool.take(20 * 1024);
  const char* memory = b.data();
  pool.give(std::move(b));
  std::vector<char> bigger = pool.take(1024 * 1024);
  EXPECT_NE(bigger.data(), memory);
  EXPECT_GE(bigger.capacity(), 1024u * 1024);
}

TEST(BufferPool, KeepsNeitherSmallNorHugeBuffersAndStaysWithinItsTotal) {
  buffer_pool pool;
  pool.give(pool.take(1024));
  EXPECT_EQ(pool.held(), 0u);  // small buffers are not worth a lock
  std::vector<char> huge;
  huge.reserve(buffer_pool::max_kept * 2);
  pool.give(std::move(huge));
  EXPECT_EQ(pool.held(), 0u);
  size_t expected = 0;
  while (expected + buffer_pool::max_kept <= buffer_pool::total_max) {
    std::vector<char> b;
    b.reserve(buffer_pool::max_kept);
    expected += b.capacity();
    pool.give(std::move(b));
  }
  EXPECT_EQ(pool.held(), expected);
  std::vector<char> extra;
  extra.reserve(buffer_pool::max_kept);
  pool.give(std::move(extra));
  EXPECT_EQ(pool.held(), expected);  // full: dropped, not kept
  pool.take(buffer_pool::max_kept);
  EXPECT_EQ(pool.held(), expected - buffer_pool::max_kept);
}

}  // namespace
}  // namespace gnatsd
