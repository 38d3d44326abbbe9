// Unit tests of the account layer: subject subsets, import mappings, service reply routes and
// the registry that builds imports and internal subscriptions from the config.
#include <gtest/gtest.h>

#include "accounts/account_registry.hpp"
#include "accounts/service_responses.hpp"
#include "accounts/stream_shadows.hpp"
#include "accounts/subject_mapping.hpp"
#include "config/config_parser.hpp"
#include "subject/subject.hpp"

namespace gnatsd {
namespace {

TEST(Subject, SubsetOfFollowsWildcards) {
  EXPECT_TRUE(subject::subset_of("foo.bar", "foo.bar"));
  EXPECT_TRUE(subject::subset_of("foo.bar", "foo.*"));
  EXPECT_TRUE(subject::subset_of("foo.*", "foo.>"));
  EXPECT_TRUE(subject::subset_of("foo.bar.baz", "foo.>"));
  EXPECT_TRUE(subject::subset_of("foo.>", "foo.>"));
  EXPECT_TRUE(subject::subset_of("foo.>", ">"));
  EXPECT_FALSE(subject::subset_of("foo.>", "foo.*"));
  EXPECT_FALSE(subject::subset_of("foo.*", "foo.bar"));
  EXPECT_FALSE(subject::subset_of("foo", "foo.>"));  // ">" needs one more token
  EXPECT_FALSE(subject::subset_of("foo.bar", "foo"));
  EXPECT_FALSE(subject::subset_of("foo", "foo.bar"));
}

TEST(SubjectMapping, PrefixAndWildcardMappingsCarrySubjectsBothWays) {
  const auto pfx = subject_mapping::with_prefix("public.>", "pfx");
  EXPECT_EQ(pfx.to(), "pfx.public.>");
  EXPECT_EQ(pfx.forward("public.a.b"), "pfx.public.a.b");
  EXPECT_EQ(pfx.backward("pfx.public.a.b"), "public.a.b");
  const subject_mapping to{"foo.*.bar.*", "baz.*.*"};
  EXPECT_TRUE(to.consistent());
  EXPECT_EQ(to.forward("foo.1.bar.2"), "baz.1.2");
  EXPECT_EQ(to.backward("baz.1.2"), "foo.1.bar.2");
  const subject_mapping same{"x.y", ""};
  EXPECT_EQ(same.to(), "x.y");
  EXPECT_EQ(same.forward("x.y"), "x.y");
  EXPECT_FALSE((subject_mapping{"x.*", "y.z"}.consistent()));
}

TEST(SubjectMapping, ShadowsCoverWhatTheImportersSubscriptionReaches) {
  const auto pfx = subject_mapping::with_prefix("public.>", "pfx");
  EXPECT_EQ(pfx.shadow_of("pfx.public.x"), "public.x");  // within the import
  EXPECT_EQ(pfx.shadow_of("pfx.public.*"), "public.*");
  EXPECT_EQ(pfx.shadow_of(">"), "public.>");  // covers the import
  EXPECT_EQ(pfx.shadow_of("pfx.>"), "public.>");
  EXPECT_EQ(pfx.shadow_of("other.>"), "");   // no overlap
  EXPECT_EQ(pfx.shadow_of("public.x"), "");  // the unprefixed name is not it
  const subject_mapping literal{"public.x", "got.x"};
  EXPECT_EQ(literal.shadow_of("got.x"), "public.x");
  EXPECT_EQ(literal.shadow_of("got.*"), "public.x");
  EXPECT_EQ(literal.shadow_of("public.x"), "");
}

TEST(ServiceResponses, ASingletonRouteIsTakenOnceAndStreamsUntilTheThreshold) {
  service_responses r;
  r.set_prefix("_R_.abcdef.");
  auto importer = std::make_shared<account>("B");
  using std::chrono::seconds;
  const std::string once =
      r.add(importer, "inbox.1", response_type::singleton, seconds{0}, seconds{5});
  const std::string many =
      r.add(importer, "inbox.2", response_type::stream, seconds{0}, seconds{5});
  EXPECT_EQ(once.rfind("_R_.abcdef.", 0), 0u);
  EXPECT_EQ(once.size(), std::string{"_R_.abcdef."}.size() + 6);
  EXPECT_NE(once, many);
  auto first = r.take(once, seconds{1});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->reply, "inbox.1");
  EXPECT_EQ(first->importer.lock(), importer);
  EXPECT_FALSE(r.take(once, seconds{1}));  // a singleton is answered once
  EXPECT_TRUE(r.take(many, seconds{2}));
  EXPECT_TRUE(r.take(many, seconds{3}));
  EXPECT_FALSE(r.take(many, seconds{6}));  // past its threshold
  EXPECT_EQ(r.size(), 0u);
  EXPECT_FALSE(r.take("_R_.abcdef.nothere", seconds{6}));
}

TEST(ServiceResponses, TheTableIsBoundedOldestFirst) {
  service_responses r{3};
  auto importer = std::make_shared<account>("B");
  std::vector<std::string> replies;
  for (int i = 0; i < 5; ++i)
    replies.push_back(r.add(importer, "i" + std::to_string(i), response_type::singleton,
                            std::chrono::seconds{0}, std::chrono::minutes{2}));
  EXPECT_EQ(r.size(), 3u);
  EXPECT_FALSE(r.take(replies[0], std::chrono::seconds{1}));
  EXPECT_FALSE(r.take(replies[1], std::chrono::seconds{1}));
  EXPECT_TRUE(r.take(replies[4], std::chrono::seconds{1}));
}

// Measured requests: the reply carries the tracking mark; one forgotten because nobody took
// it is handed back, one unanswered past its threshold is listed once as timed out.
TEST(ServiceResponses, MeasuredRequestsAreMarkedAndTheirTimeoutsListed) {
  service_responses r;
  r.set_prefix("_R_.abcdef.");
  auto importer = std::make_shared<account>("B");
  using std::chrono::seconds;
  const tracked_request t{std::make_shared<const latency_tracking>(latency_tracking{100, "lat"}),
                          latency_party{}, "", 0};
  const auto lost =
      r.add(importer, "i1", response_type::singleton, seconds{0}, seconds{5}, t, "NUmM6cRx");
  EXPECT_TRUE(is_tracked_reply(lost));
  EXPECT_EQ(tracked_reply_hash(lost), "NUmM6cRx");
  const auto late =
      r.add(importer, "i2", response_type::singleton, seconds{0}, seconds{5}, t, "NUmM6cRx");
  const auto plain = r.add(importer, "i3", response_type::singleton, seconds{0}, seconds{5});
  EXPECT_FALSE(is_tracked_reply(plain));
  const auto forgotten = r.forget(lost);
  ASSERT_TRUE(forgotten && forgotten->tracked);
  EXPECT_TRUE(r.take_timed_out(seconds{4}).empty());
  const auto timed_out = r.take_timed_out(seconds{6});
  ASSERT_EQ(timed_out.size(), 1u);  // the untracked one expires silently
  EXPECT_EQ(timed_out[0].reply, "i2");
  EXPECT_TRUE(r.take_timed_out(seconds{7}).empty());
  EXPECT_FALSE(r.take(late, seconds{7}));
  const auto result = request_result("A", *timed_out[0].tracked, 504);
  EXPECT_EQ(result.error, "Service Timeout");
  EXPECT_EQ(result.subject, "lat");
}

server_options accounts_options(const std::string& text) {
  server_options o;
  std::vector<std::string> w;
  apply_config(config::parse_string(text, "t.conf"), o, w);
  return o;
}

TEST(AccountRegistry, ImportsBecomeRulesAndInternalSubscriptions) {
  const auto o = accounts_options(R"(
accounts {
  A: { exports: [{stream: "public.>"}, {service: "svc.>", response: stream, threshold: "5s"}] }
  B: { imports: [{stream: {account: A, subject: "public.>"}, prefix: "pfx"},
                 {service: {account: A, subject: "svc.echo"}, to: "echo"}] }
}
)");
  account_registry r;
  r.configure(o, "SERVER1");
  const auto a = r.find("A"), b = r.find("B");
  ASSERT_TRUE(a && b && r.system() && r.system()->name() == "$SYS");
  const auto imports = b->imports();
  ASSERT_EQ(imports->streams.size(), 1u);
  EXPECT_EQ(imports->streams[0].exporter.lock(), a);
  EXPECT_EQ(imports->streams[0].mapping.to(), "pfx.public.>");
  // The configured import, then the three every account has from the system account.
  ASSERT_EQ(imports->services.size(), 4u);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(imports->services[i]->exporter.lock(), r.system());
    EXPECT_EQ(imports->services[i]->response, response_type::stream);
  }
  EXPECT_EQ(imports->services[1]->mapping.to(), "$SYS.REQ.SERVER.PING.CONNZ");
  EXPECT_FALSE(b->subscriptions().match("$SYS.REQ.ACCOUNT.PING.STATZ")->empty());
  EXPECT_EQ(imports->services[0]->response, response_type::stream);
  EXPECT_EQ(imports->services[0]->threshold, std::chrono::seconds{5});
  // The service import listens in B on "echo"; A answers on its reply prefix, announced.
  const auto in_b = b->subscriptions().match("echo");
  ASSERT_EQ(in_b->plain.size(), 1u);
  EXPECT_TRUE(in_b->plain[0]->internal);
  EXPECT_EQ(in_b->plain[0]->service_import, imports->services[0]);
  // A's response subscription, and the system account's (for its imports).
  const auto changes = r.take_interest_changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].account, "$SYS");
  EXPECT_EQ(changes[1].account, "A");
  EXPECT_EQ(changes[1].subject, a->responses().prefix() + ">");
  EXPECT_EQ(a->responses().prefix().size(), std::string{"_R_.123456."}.size());
  // The same config again changes nothing routes must hear; without the import it goes.
  r.configure(o, "SERVER1");
  EXPECT_TRUE(r.take_interest_changes().empty());
  r.configure(accounts_options("accounts { A: {}, B: {} }\n"), "SERVER1");
  const auto gone = r.take_interest_changes();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].delta, -1);
  EXPECT_TRUE(b->subscriptions().match("echo")->empty());
  EXPECT_EQ(r.find("A"), a);  // kept: its subscriptions stay
}

TEST(StreamShadows, ASubscriptionReachingAnImportIsShadowedInTheExporter) {
  const auto o = accounts_options(R"(
accounts {
  A: { exports: [{stream: "public.>"}] }
  B: { imports: [{stream: {account: A, subject: "public.>"}, prefix: "pfx"}] }
}
)");
  account_registry r;
  r.configure(o, "S");
  const auto a = r.find("A"), b = r.find("B");
  auto sub = std::make_shared<subscription>();
  sub->subject = "pfx.public.x";
  std::vector<interest_change> changes;
  add_shadows(*b, *sub, changes);
  ASSERT_EQ(sub->shadows.size(), 1u);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].account, "A");
  EXPECT_EQ(changes[0].subject, "public.x");
  const auto found = a->subscriptions().match("public.x");
  ASSERT_EQ(found->plain.size(), 1u);
  EXPECT_EQ(found->plain[0]->deliver_as->forward("public.x"), "pfx.public.x");
  remove_shadows(*sub, changes);
  EXPECT_TRUE(a->subscriptions().match("public.x")->empty());
  EXPECT_EQ(changes.back().delta, -1);
  auto unrelated = std::make_shared<subscription>();
  unrelated->subject = "other";
  add_shadows(*b, *unrelated, changes);
  EXPECT_TRUE(unrelated->shadows.empty());
}

}  // namespace
}  // namespace gnatsd

#include <openssl/evp.h>

#include "auth/nkey.hpp"

namespace gnatsd {
namespace {

// The public user key of the NATS documentation's example pair.
constexpr const char* doc_user = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";

TEST(Nkey, PublicUserKeysAreCheckedByPrefixAndChecksum) {
  const auto key = nkey::decode_user(doc_user);
  ASSERT_TRUE(key);
  EXPECT_EQ(nkey::encode_user(*key), doc_user);
  std::string corrupt = doc_user;
  corrupt[10] = corrupt[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(nkey::decode_user(corrupt));
  std::string other_kind = doc_user;
  other_kind[0] = 'O';  // an operator key is no user key
  EXPECT_FALSE(nkey::decode_user(other_kind));
  EXPECT_FALSE(nkey::decode_user("SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY"));
  EXPECT_FALSE(nkey::decode_user("UBAD"));
}

TEST(Nkey, AnEd25519SignatureOfTheNonceIsVerified) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> kctx{
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free};
  EVP_PKEY* raw = nullptr;
  ASSERT_EQ(EVP_PKEY_keygen_init(kctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_keygen(kctx.get(), &raw), 1);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{raw, EVP_PKEY_free};
  nkey::public_key pub{};
  size_t len = pub.size();
  ASSERT_EQ(EVP_PKEY_get_raw_public_key(pkey.get(), pub.data(), &len), 1);
  const std::string user = nkey::encode_user(pub);
  const std::array<uint8_t, 32> secret{1, 2, 3};
  const std::string nonce = nkey::nonce_for(secret, 7);
  EXPECT_EQ(nonce.size(), 15u);
  EXPECT_EQ(nonce, nkey::nonce_for(secret, 7));
  EXPECT_NE(nonce, nkey::nonce_for(secret, 8));
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  ASSERT_EQ(EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, pkey.get()), 1);
  ASSERT_EQ(EVP_DigestSign(md.get(), sig, &sig_len,
                           reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()),
            1);
  static constexpr char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string b64;  // base64 URL-safe, unpadded, as the NATS clients send it
  for (size_t i = 0; i < sig_len; i += 3) {
    uint32_t n = static_cast<uint32_t>(sig[i]) << 16;
    if (i + 1 < sig_len) n |= static_cast<uint32_t>(sig[i + 1]) << 8;
    if (i + 2 < sig_len) n |= sig[i + 2];
    b64 += url[(n >> 18) & 63];
    b64 += url[(n >> 12) & 63];
    if (i + 1 < sig_len) b64 += url[(n >> 6) & 63];
    if (i + 2 < sig_len) b64 += url[n & 63];
  }
  EXPECT_TRUE(nkey::verify(user, nonce, b64));
  EXPECT_FALSE(nkey::verify(user, nonce + "x", b64));      // another nonce
  EXPECT_FALSE(nkey::verify(doc_user, nonce, b64));        // another key
  EXPECT_FALSE(nkey::verify(user, nonce, b64.substr(1)));  // a broken signature
  EXPECT_FALSE(nkey::verify(user, nonce, "not base64 !"));
}

}  // namespace
}  // namespace gnatsd
