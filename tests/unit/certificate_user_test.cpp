// Mapping client certificates to users (verify_and_map): each rule and the order between
// them, as nats-server 2.9.10 was observed to apply them.
#include <gtest/gtest.h>

#include "auth/certificate_user.hpp"

namespace gnatsd {
namespace {

certificate_names bob() {
  certificate_names n;
  n.subject = {{"O", "acme"}, {"OU", "eng"}, {"CN", "bob"}};  // -subj /O=acme/OU=eng/CN=bob
  n.subject_text = "CN=bob,OU=eng,O=acme";
  return n;
}

std::string matched(const certificate_names& n, const std::vector<std::string>& users) {
  const auto m = user_for_certificate(n, users);
  return m ? m->user : "(none)";
}

TEST(CertificateUser, SubjectAltNamesComeFirstEmailThenDnsThenUri) {
  certificate_names n = bob();
  n.emails = {"bob@acme.io"};
  n.dns_names = {"bob.acme.io"};
  n.uris = {"spiffe://acme/bob"};
  const std::vector<std::string> all = {"spiffe://acme/bob", "bob.acme.io", "CN=bob,OU=eng,O=acme",
                                        "bob@acme.io"};
  const auto m = user_for_certificate(n, all);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->user, "bob@acme.io");
  EXPECT_EQ(m->how, "Using email found in cert for auth [\"bob@acme.io\"]");
  EXPECT_EQ(matched(n, {"spiffe://acme/bob", "bob.acme.io"}), "bob.acme.io");
  EXPECT_EQ(user_for_certificate(n, {"bob.acme.io"})->how,
            "Using SAN found in cert for auth [\"bob.acme.io\"]");
  EXPECT_EQ(user_for_certificate(n, {"spiffe://acme/bob"})->how,
            "Using URI found in cert for auth [\"spiffe://acme/bob\"]");
}

TEST(CertificateUser, TheSubjectMatchesAsADistinguishedNameInAnyOrder) {
  const auto n = bob();
  EXPECT_EQ(matched(n, {"CN=bob,OU=eng,O=acme"}), "CN=bob,OU=eng,O=acme");
  EXPECT_EQ(matched(n, {"O=acme,OU=eng,CN=bob"}), "O=acme,OU=eng,CN=bob");
  EXPECT_EQ(matched(n, {"CN=bob, OU=eng, O=acme"}), "CN=bob, OU=eng, O=acme");
  EXPECT_EQ(matched(n, {"cn=bob,ou=eng,o=acme"}), "cn=bob,ou=eng,o=acme");  // types: any case
  EXPECT_EQ(user_for_certificate(n, {"O=acme,OU=eng,CN=bob"})->how,
            "Using DistinguishedNameMatch for auth [\"O=acme,OU=eng,CN=bob\"]");
}

TEST(CertificateUser, AnExactOrderBeatsAReorderedOne) {
  EXPECT_EQ(matched(bob(), {"O=acme,OU=eng,CN=bob", "CN=bob,OU=eng,O=acme"}),
            "CN=bob,OU=eng,O=acme");
}

TEST(CertificateUser, ValuesAndTheSetOfAttributesMustBeEqual) {
  const auto n = bob();
  EXPECT_EQ(matched(n, {"CN=BOB,OU=eng,O=acme"}), "(none)");       // values keep their case
  EXPECT_EQ(matched(n, {"CN=bob,OU=eng"}), "(none)");              // an attribute missing
  EXPECT_EQ(matched(n, {"CN=bob,OU=eng,O=acme,C=US"}), "(none)");  // one too many
  EXPECT_EQ(matched(n, {"bob", "dave"}), "(none)");                // no DN, no name
}

TEST(CertificateUser, EscapedCommasStayInTheValue) {
  certificate_names n;
  n.subject = {{"O", "acme, inc"}, {"CN", "eve"}};
  n.subject_text = "CN=eve,O=acme\\, inc";
  EXPECT_EQ(matched(n, {"CN=eve,O=acme\\, inc"}), "CN=eve,O=acme\\, inc");
  EXPECT_EQ(matched(n, {"CN=eve,O=acme,inc"}), "(none)");
}

TEST(CertificateUser, PinnedCertificatesAreCheckedByKeyId) {
  certificate_names peer;
  peer.key_id = std::string(64, 'a');
  std::string why;
  EXPECT_TRUE(certificate_pinned(peer, {}, why));  // nothing pinned: any certificate
  EXPECT_TRUE(certificate_pinned(peer, {std::string(64, 'b'), std::string(64, 'a')}, why));
  EXPECT_FALSE(certificate_pinned(peer, {std::string(64, 'b')}, why));
  EXPECT_EQ(why, "Failed pinned cert test for key id: " + std::string(64, 'a'));
  EXPECT_FALSE(certificate_pinned(certificate_names{}, {std::string(64, 'b')}, why));
  EXPECT_EQ(why, "Failed pinned cert test as client did not provide a certificate");
}

TEST(CertificateUser, ACertificateWithoutNamesMatchesNobody) {
  EXPECT_EQ(matched(certificate_names{}, {"", "CN=x"}), "(none)");
}

}  // namespace
}  // namespace gnatsd
