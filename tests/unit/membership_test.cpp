// cluster::membership: every decision of route membership, without actors or sockets.
#include <gtest/gtest.h>

#include <algorithm>

#include "cluster/membership.hpp"

namespace gnatsd::cluster {
namespace {

struct recording_logger final : logger {
  std::vector<std::string> lines;
  recording_logger() { debug = true; }
  void write(log_level level, std::string_view m) override {
    lines.push_back(std::string{log_label(level)} + " " + std::string{m});
  }
  bool has(const std::string& text) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const auto& l) { return l.find(text) != std::string::npos; });
  }
};

membership::settings local_settings(std::vector<std::string> routes = {}) {
  membership::settings s;
  s.local.server_id = "SELF";
  s.local.cluster = "east";
  s.local.connect_urls = {"10.0.0.1:4222"};
  s.own_urls = {"10.0.0.1:4222"};
  s.routes = std::move(routes);
  s.connect_retries = 2;
  s.user = "ruser";
  s.password = "rpass";
  return s;
}

proto::route_info peer(const std::string& id, const std::string& client_url = "",
                       const std::string& cluster = "east") {
  proto::route_info p;
  p.server_id = id;
  p.cluster = cluster;
  p.port = 6222;
  if (!client_url.empty()) p.connect_urls = {client_url};
  return p;
}

route_role dialled(const std::string& url, bool configured) {
  route_role r;
  r.solicited = true;
  r.configured = configured;
  r.url = url;
  return r;
}

route_role configured_role() {
  route_role r;
  r.configured = true;
  return r;
}

struct fixture {
  explicit fixture(std::vector<std::string> routes = {})
      : m(local_settings(std::move(routes)), log, prng{7}) {}
  recording_logger log;
  membership m;
};

TEST(Membership, SolicitDialsAUrlOnceAndTakesItsCredentials) {
  fixture f;
  auto order = f.m.solicit("nats-route://u:p@10.0.0.2:6222", configured_role());
  ASSERT_TRUE(order);
  EXPECT_TRUE(order->role.solicited);
  EXPECT_EQ(order->role.url, "nats-route://u:p@10.0.0.2:6222");
  EXPECT_EQ(order->role.user, "u");
  EXPECT_EQ(order->role.pass, "p");
  EXPECT_TRUE(f.log.has("Trying to connect to route on 10.0.0.2:6222"));
  EXPECT_FALSE(f.m.solicit("nats://10.0.0.2:6222", configured_role())) << "already dialling";
  EXPECT_FALSE(f.m.solicit("not a url", configured_role()));
}

TEST(Membership, AConfiguredRouteIsRetriedEverySecondForever) {
  fixture f{{"nats://10.0.0.2:6222"}};
  const auto role = f.m.solicit("nats://10.0.0.2:6222", configured_role())->role;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto out = f.m.dialed("nats://10.0.0.2:6222", role, "connection refused");
    ASSERT_EQ(out.retries.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(out.retries[0].delay, membership::retry_delay);
    ASSERT_TRUE(f.m.solicit(out.retries[0].url, out.retries[0].role));
  }
  // Only the first failure is an error; the rest are debug lines.
  EXPECT_TRUE(f.log.has("ERR Error trying to connect to route (attempt 1): connection refused"));
  EXPECT_TRUE(f.log.has("DBG Error trying to connect to route (attempt 2)"));
}

TEST(Membership, ALearnedRouteIsDialledConnectRetriesTimesAfterTheFirst) {
  fixture f;
  auto learned = peer("B");
  learned.ip = "nats-route://10.0.0.2:6222/";
  auto out = f.m.learned(learned);
  ASSERT_EQ(out.dials.size(), 1u);
  const auto role = out.dials[0].role;
  EXPECT_FALSE(role.configured);
  EXPECT_EQ(f.m.dialed(role.url, role, "refused").retries.size(), 1u);
  ASSERT_TRUE(f.m.solicit(role.url, role));
  EXPECT_EQ(f.m.dialed(role.url, role, "refused").retries.size(), 1u);
  ASSERT_TRUE(f.m.solicit(role.url, role));
  EXPECT_TRUE(f.m.dialed(role.url, role, "refused").retries.empty()) << "connect_retries is 2";
}

TEST(Membership, AReloadedConnectRetriesAppliesToTheNextFailures) {
  fixture f;
  auto learned = peer("B");
  learned.ip = "nats-route://10.0.0.2:6222/";
  const auto role = f.m.learned(learned).dials.at(0).role;
  f.m.reload({}, 0);
  EXPECT_TRUE(f.m.dialed(role.url, role, "refused").retries.empty()) << "connect_retries is 0";
}

TEST(Membership, AConfiguredRouteRemovedByAReloadIsNotRetried) {
  fixture f{{"nats://10.0.0.2:6222"}};
  const auto role = f.m.solicit("nats://10.0.0.2:6222", configured_role())->role;
  EXPECT_TRUE(f.m.reload({}, 2).dials.empty());
  EXPECT_TRUE(f.m.dialed("nats://10.0.0.2:6222", role, "refused").retries.empty());
}

TEST(Membership, AReloadDialsNewRoutesOnly) {
  fixture f{{"nats://10.0.0.2:6222"}};
  auto out = f.m.reload({"nats://10.0.0.2:6222", "nats://10.0.0.3:6222"}, 2);
  ASSERT_EQ(out.dials.size(), 1u);
  EXPECT_EQ(out.dials[0].url, "nats://10.0.0.3:6222");
  EXPECT_TRUE(out.dials[0].role.configured);
}

TEST(Membership, AdmittingAPeerGossipsItToTheOthersAndUpdatesTheClientUrls) {
  fixture f;
  auto first = f.m.admit(1, peer("B", "10.0.0.2:4222"), route_role{}, "10.0.0.2");
  EXPECT_TRUE(first.accepted);
  EXPECT_TRUE(first.infos.empty()) << "nobody else to tell";
  EXPECT_TRUE(first.connect_urls_changed);
  EXPECT_EQ(f.m.connect_urls(), (std::vector<std::string>{"10.0.0.1:4222", "10.0.0.2:4222"}));
  auto second = f.m.admit(2, peer("C", "10.0.0.3:4222"), route_role{}, "10.0.0.3");
  ASSERT_TRUE(second.accepted);
  ASSERT_EQ(second.infos.size(), 1u);
  EXPECT_EQ(second.infos[0].rid, 1u) << "B hears about C";
  // Where others reach C: its address as we saw it and the port from its INFO.
  EXPECT_NE(second.infos[0].info.find(R"("ip":"nats-route://10.0.0.3:6222/")"), std::string::npos)
      << second.infos[0].info;
  EXPECT_EQ(f.m.members().size(), 2u);
  EXPECT_EQ(f.m.member_of(2)->server_id, "C");
}

TEST(Membership, ADuplicateIsRefusedAndTheFirstRouteInheritsItsUrl) {
  fixture f{{"nats://10.0.0.2:6222"}};
  ASSERT_TRUE(f.m.admit(1, peer("B"), route_role{}, "10.0.0.2").accepted);
  const auto ours = dialled("nats://10.0.0.2:6222", true);
  auto dup = f.m.admit(2, peer("B"), ours, "10.0.0.2");
  EXPECT_FALSE(dup.accepted);
  EXPECT_EQ(dup.refusal, "Detected duplicate remote route");
  // The kept route is now the configured one: losing it redials the configured URL.
  auto lost = f.m.closed(1, "B", route_role{});
  ASSERT_FALSE(lost.retries.empty());
  EXPECT_EQ(lost.retries[0].url, "nats://10.0.0.2:6222");
  EXPECT_TRUE(lost.retries[0].role.configured);
}

TEST(Membership, AnAcceptedRouteThatWonADuplicateRaceIsRedialledWhenLost) {
  fixture f;
  auto b = peer("B");
  b.ip = "nats-route://10.0.0.2:6222/";
  ASSERT_TRUE(f.m.admit(1, b, route_role{}, "10.0.0.2").accepted);
  EXPECT_FALSE(f.m.admit(2, b, route_role{}, "10.0.0.2").accepted);
  auto lost = f.m.closed(1, "B", route_role{});
  ASSERT_EQ(lost.retries.size(), 1u);
  EXPECT_EQ(lost.retries[0].url, "nats-route://10.0.0.2:6222/");
  EXPECT_LE(lost.retries[0].delay, std::chrono::milliseconds{membership::jitter_ms_max});
}

TEST(Membership, AnAcceptedRouteIsNotRedialledWhenLostWithoutARace) {
  fixture f;
  ASSERT_TRUE(f.m.admit(1, peer("B"), route_role{}, "10.0.0.2").accepted);
  auto lost = f.m.closed(1, "B", route_role{});
  EXPECT_TRUE(lost.retries.empty()) << "the peer dialled it; the peer redials";
  EXPECT_TRUE(lost.connect_urls_changed);
  EXPECT_TRUE(f.m.connect_urls().empty()) << "no routes, no cluster URLs";
}

TEST(Membership, ALostConfiguredRouteIsRedialledAfterJitterAndASecond) {
  fixture f{{"nats://10.0.0.2:6222"}};
  const auto role = f.m.solicit("nats://10.0.0.2:6222", configured_role())->role;
  f.m.dialed("nats://10.0.0.2:6222", role, "");
  ASSERT_TRUE(f.m.admit(1, peer("B"), role, "10.0.0.2").accepted);
  EXPECT_FALSE(f.m.solicit("nats://10.0.0.2:6222", configured_role())) << "covered";
  EXPECT_TRUE(f.log.has("Not attempting reconnect for solicited route, already connected"));
  auto lost = f.m.closed(1, "B", role);
  ASSERT_EQ(lost.retries.size(), 1u);
  EXPECT_GE(lost.retries[0].delay, membership::retry_delay);
  EXPECT_LE(lost.retries[0].delay,
            membership::retry_delay + std::chrono::milliseconds{membership::jitter_ms_max});
}

TEST(Membership, AnUnregisteredRouteThatClosesIsRedialledOnlyIfConfigured) {
  fixture f;
  EXPECT_FALSE(f.m.closed(1, "", dialled("nats://10.0.0.5:6222", true)).retries.empty());
  EXPECT_TRUE(f.m.closed(2, "", dialled("nats://10.0.0.6:6222", false)).retries.empty())
      << "a learned route refused before registering (a duplicate) is not redialled";
}

TEST(Membership, OtherConfiguredUrlsOfALostPeerAreRedialledWithTheirCredentials) {
  fixture f{{"nats://10.0.0.2:6222", "nats://u:p@10.0.0.9:6222"}};
  const auto first = dialled("nats://10.0.0.2:6222", true);
  const auto second = dialled("nats://u:p@10.0.0.9:6222", true);
  ASSERT_TRUE(f.m.admit(1, peer("B"), first, "10.0.0.2").accepted);
  EXPECT_FALSE(f.m.admit(2, peer("B"), second, "10.0.0.9").accepted);
  auto lost = f.m.closed(1, "B", first);
  ASSERT_EQ(lost.retries.size(), 2u);
  EXPECT_EQ(lost.retries[1].url, "nats://u:p@10.0.0.9:6222");
}

TEST(Membership, ARouteToOurselvesIsNotDialledAgain) {
  fixture f{{"nats://10.0.0.1:6222"}};
  const auto role = dialled("nats://10.0.0.1:6222", true);
  EXPECT_TRUE(f.m.closed(1, "SELF", role).retries.empty());
  EXPECT_TRUE(f.m.regossip().dials.empty()) << "no longer among the configured routes";
}

TEST(Membership, ClusterNames) {
  {
    fixture f;  // static name: a peer with another static name is refused
    auto out = f.m.admit(1, peer("B", "", "west"), route_role{}, "10.0.0.2");
    EXPECT_FALSE(out.accepted);
    EXPECT_EQ(out.refusal, R"(Rejecting connection, cluster name "west" does not match "east")");
  }
  {
    fixture f;  // a peer with a generated name is kept: it adopts ours
    auto p = peer("B", "", "zzz");
    p.cluster_dynamic = true;
    EXPECT_TRUE(f.m.admit(1, p, route_role{}, "10.0.0.2").accepted);
    EXPECT_EQ(f.m.local().cluster, "east");
  }
  {
    auto s = local_settings();
    s.cluster_dynamic = s.local.cluster_dynamic = true;
    s.local.cluster = "aaa";
    recording_logger log;
    membership m{s, log, prng{1}};
    EXPECT_TRUE(m.admit(1, peer("B", "", "west"), route_role{}, "10.0.0.2").accepted);
    EXPECT_EQ(m.local().cluster, "west") << "a static name wins over a generated one";
    EXPECT_TRUE(log.has("Cluster name updated to west"));
  }
  {
    auto s = local_settings();
    s.cluster_dynamic = s.local.cluster_dynamic = true;
    s.local.cluster = "mmm";
    recording_logger log;
    membership m{s, log, prng{1}};
    auto smaller = peer("B", "", "aaa");
    smaller.cluster_dynamic = true;
    EXPECT_TRUE(m.admit(1, smaller, route_role{}, "10.0.0.2").accepted);
    EXPECT_EQ(m.local().cluster, "mmm") << "among generated names the greatest wins";
  }
}

TEST(Membership, GossipIsDialledWithOurCredentialsUnlessKnownOrConfigured) {
  fixture f{{"nats://10.0.0.3:6222"}};
  auto c = peer("C");
  c.ip = "nats-route://10.0.0.4:6222/";
  c.auth_required = true;
  auto out = f.m.learned(c);
  ASSERT_EQ(out.dials.size(), 1u);
  EXPECT_EQ(out.dials[0].role.user, "ruser");
  EXPECT_EQ(out.dials[0].role.pass, "rpass");
  auto self = peer("SELF");
  self.ip = "nats-route://10.0.0.1:6222/";
  EXPECT_TRUE(f.m.learned(self).dials.empty());
  auto configured = peer("D");
  configured.ip = "nats-route://10.0.0.3:6222/";
  EXPECT_TRUE(f.m.learned(configured).dials.empty()) << "ours to dial anyway";
  ASSERT_TRUE(f.m.admit(1, peer("E"), route_role{}, "10.0.0.5").accepted);
  auto known = peer("E");
  known.ip = "nats-route://10.0.0.5:6222/";
  EXPECT_TRUE(f.m.learned(known).dials.empty());
}

TEST(Membership, APeerInLameDuckModeLeavesTheClientUrls) {
  fixture f;
  ASSERT_TRUE(f.m.admit(1, peer("B", "10.0.0.2:4222"), route_role{}, "10.0.0.2").accepted);
  auto ldm = peer("B");
  ldm.ldm = true;
  EXPECT_TRUE(f.m.learned(ldm).connect_urls_changed);
  EXPECT_EQ(f.m.connect_urls(), std::vector<std::string>{"10.0.0.1:4222"});
}

TEST(Membership, EnteringLameDuckModeTellsEveryRouteAndDropsOurUrls) {
  fixture f;
  ASSERT_TRUE(f.m.admit(1, peer("B", "10.0.0.2:4222"), route_role{}, "10.0.0.2").accepted);
  ASSERT_TRUE(f.m.admit(2, peer("C", "10.0.0.3:4222"), route_role{}, "10.0.0.3").accepted);
  auto out = f.m.enter_lame_duck();
  ASSERT_EQ(out.infos.size(), 2u);
  EXPECT_NE(out.infos[0].info.find(R"("ldm":true)"), std::string::npos) << out.infos[0].info;
  EXPECT_TRUE(out.connect_urls_changed);
  EXPECT_EQ(f.m.connect_urls(), (std::vector<std::string>{"10.0.0.2:4222", "10.0.0.3:4222"}));
}

TEST(Membership, RegossipTellsEveryRouteAboutEveryOtherAndRedialsUncoveredRoutes) {
  fixture f{{"nats://10.0.0.9:6222"}};
  ASSERT_TRUE(f.m.admit(1, peer("B"), route_role{}, "10.0.0.2").accepted);
  ASSERT_TRUE(f.m.admit(2, peer("C"), route_role{}, "10.0.0.3").accepted);
  auto out = f.m.regossip();
  ASSERT_EQ(out.infos.size(), 2u);
  EXPECT_EQ(out.infos[0].rid, 2u) << "C hears about B";
  EXPECT_EQ(out.infos[1].rid, 1u) << "B hears about C";
  ASSERT_EQ(out.dials.size(), 1u);
  EXPECT_EQ(out.dials[0].url, "nats://10.0.0.9:6222");
  EXPECT_TRUE(f.m.regossip().dials.empty()) << "being dialled already";
}

TEST(Membership, AfterStopNothingIsDialledOrAdmitted) {
  fixture f{{"nats://10.0.0.2:6222"}};
  ASSERT_TRUE(f.m.admit(1, peer("B"), dialled("nats://10.0.0.2:6222", true), "10.0.0.2").accepted);
  f.m.stop();
  EXPECT_EQ(f.m.admit(2, peer("C"), route_role{}, "10.0.0.3").refusal, "Server Shutdown");
  EXPECT_TRUE(f.m.closed(1, "B", route_role{}).retries.empty());
  EXPECT_FALSE(f.m.solicit("nats://10.0.0.2:6222", configured_role()));
  EXPECT_TRUE(f.m.regossip().infos.empty());
}

}  // namespace
}  // namespace gnatsd::cluster
