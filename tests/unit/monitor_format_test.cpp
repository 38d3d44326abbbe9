// How the monitoring JSON writes times and durations: as Go marshals time.Time and prints
// time.Duration, which tools parse (src/monitor).
#include <gtest/gtest.h>

#include "monitor/account_endpoints.hpp"

namespace gnatsd::monitor {
namespace {

TEST(MonitorFormat, DurationsAreWrittenAsGoPrintsThem) {
  EXPECT_EQ(go_duration(0), "0s");
  EXPECT_EQ(go_duration(1), "1ns");
  EXPECT_EQ(go_duration(999), "999ns");
  EXPECT_EQ(go_duration(1'000), "1\xc2\xb5s");
  EXPECT_EQ(go_duration(449'267), "449.267\xc2\xb5s");
  EXPECT_EQ(go_duration(449'200), "449.2\xc2\xb5s");
  EXPECT_EQ(go_duration(1'234'567), "1.234567ms");
  EXPECT_EQ(go_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(go_duration(61'000'000'001), "1m1.000000001s");
  EXPECT_EQ(go_duration(3'723'000'000'000), "1h2m3s");
  EXPECT_EQ(go_duration(-1'500'000), "-1.5ms");
}

TEST(MonitorFormat, TimesAreRfc3339WithNanosecondsInUtc) {
  EXPECT_EQ(rfc3339(1'700'000'000'123'456'789), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(rfc3339(1'700'000'000'120'000'000), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(rfc3339(1'700'000'000'000'000'000), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace gnatsd::monitor
