#include "net/asio/peer_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <memory>

namespace gnatsd::net::asio_impl {
namespace {

std::string text_of(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<size_t>(ASN1_STRING_length(s))};
}

void read_alt_names(X509* cert, certificate_names& out) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_EMAIL) out.emails.push_back(text_of(n->d.rfc822Name));
    if (n->type == GEN_DNS) out.dns_names.push_back(text_of(n->d.dNSName));
    if (n->type == GEN_URI) out.uris.push_back(text_of(n->d.uniformResourceIdentifier));
  }
  GENERAL_NAMES_free(names);
}

void read_subject(X509* cert, certificate_names& out) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(subject, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (len < 0) continue;
    out.subject.emplace_back(nid == NID_undef ? "" : OBJ_nid2sn(nid),
                             std::string{reinterpret_cast<char*>(utf8), static_cast<size_t>(len)});
    OPENSSL_free(utf8);
  }
  // RFC 2253: most specific first, comma separated, as Go's pkix.Name.String() prints it.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), BIO_free};
  if (X509_NAME_print_ex(bio.get(), subject, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return;
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size > 0) out.subject_text.assign(data, static_cast<size_t>(size));
}

// Hex SHA-256 of the DER SubjectPublicKeyInfo, as nats-server names pinned certificates.
std::string key_id(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (size <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  const bool ok =
      EVP_Digest(der, static_cast<size_t>(size), digest, &digest_size, EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  if (!ok) return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < digest_size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace

certificate_names peer_certificate_names(SSL* ssl) {
  certificate_names out;
  std::unique_ptr<X509, decltype(&X509_free)> cert{SSL_get1_peer_certificate(ssl), X509_free};
  if (!cert) return out;
  out.key_id = key_id(cert.get());
  read_alt_names(cert.get(), out);
  read_subject(cert.get(), out);
  return out;
}

}  // namespace gnatsd::net::asio_impl
