#include "auth/nkey.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <vector>

namespace gnatsd::nkey {
namespace {

constexpr uint8_t prefix_user = 20 << 3;  // 'U'
constexpr uint8_t prefix_account = 0;     // 'A'
constexpr uint8_t prefix_seed = 18 << 3;  // 'S'
constexpr char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

uint16_t crc16(const uint8_t* data, size_t n) {  // CRC-16/XMODEM, as nkeys
  uint16_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc ^= static_cast<uint16_t>(data[i]) << 8;
    for (int b = 0; b < 8; ++b)
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
  }
  return crc;
}

std::string base32(const std::vector<uint8_t>& in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : in) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32_alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32_alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

// Decodes `in`, `width` bits per character as `value_of` maps them (-1: not in the
// alphabet, -2: padding, which ends the input).
template <typename ValueOf>
std::optional<std::vector<uint8_t>> decode_bits(std::string_view in, int width, ValueOf value_of) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value_of(c);
    if (v == -2) break;
    if (v < 0) return std::nullopt;
    buffer = (buffer << width) | static_cast<uint32_t>(v);
    bits += width;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::optional<std::vector<uint8_t>> unbase32(std::string_view in) {
  return decode_bits(in, 5, [](char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
  });
}

std::vector<uint8_t> with_crc(std::vector<uint8_t> raw) {
  const uint16_t crc = crc16(raw.data(), raw.size());
  raw.push_back(static_cast<uint8_t>(crc & 0xff));
  raw.push_back(static_cast<uint8_t>(crc >> 8));
  return raw;
}

// Standard or URL-safe base64, with or without padding.
std::optional<std::vector<uint8_t>> unbase64(std::string_view in) {
  return decode_bits(in, 6, [](char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return c == '=' ? -2 : -1;
  });
}

std::string base64url(const uint8_t* data, size_t n) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      out += alphabet[(buffer >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 63];
  return out;
}

}  // namespace

std::optional<public_key> decode_user(std::string_view text) {
  return decode_public(text, prefix_user);
}

bool valid_account(std::string_view text) {
  return decode_public(text, prefix_account).has_value();
}

std::optional<public_key> decode_public(std::string_view text, uint8_t prefix) {
  if (text.size() != 56) return std::nullopt;
  const auto raw = unbase32(text);
  if (!raw || raw->size() != 35 || (*raw)[0] != prefix) return std::nullopt;
  const uint16_t crc = static_cast<uint16_t>((*raw)[33] | ((*raw)[34] << 8));
  if (crc16(raw->data(), 33) != crc) return std::nullopt;
  public_key key{};
  std::copy(raw->begin() + 1, raw->begin() + 33, key.begin());
  return key;
}

std::string encode_user(const public_key& key) {
  std::vector<uint8_t> raw{prefix_user};
  raw.insert(raw.end(), key.begin(), key.end());
  return base32(with_crc(std::move(raw)));
}

std::string encode_user_seed(const std::array<uint8_t, 32>& seed) {
  // Two prefix bytes: the seed prefix with the key type's top bits, then the rest of them.
  std::vector<uint8_t> raw{static_cast<uint8_t>(prefix_seed | (prefix_user >> 5)),
                           static_cast<uint8_t>((prefix_user & 31) << 3)};
  raw.insert(raw.end(), seed.begin(), seed.end());
  return base32(with_crc(std::move(raw)));
}

bool verify(std::string_view user, std::string_view nonce, std::string_view signature) {
  const auto key = decode_user(user);
  const auto sig = unbase64(signature);
  if (!key || !sig || sig->size() != 64) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key->data(), key->size()),
      EVP_PKEY_free};
  if (!pkey) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
    return false;
  return EVP_DigestVerify(md.get(), sig->data(), sig->size(),
                          reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()) == 1;
}

std::optional<std::string> sign(std::string_view seed, std::string_view nonce) {
  const auto raw = unbase32(seed);
  // Two prefix bytes, 32 key bytes, the CRC: a user seed ("SU...").
  if (!raw || raw->size() != 36 ||
      (*raw)[0] != static_cast<uint8_t>(prefix_seed | (prefix_user >> 5)))
    return std::nullopt;
  const uint16_t crc = crc16(raw->data(), 34);
  if ((*raw)[34] != (crc & 0xff) || (*raw)[35] != (crc >> 8)) return std::nullopt;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw->data() + 2, 32), EVP_PKEY_free};
  if (!pkey) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
    return std::nullopt;
  uint8_t sig[64];
  size_t n = sizeof sig;
  if (EVP_DigestSign(md.get(), sig, &n, reinterpret_cast<const unsigned char*>(nonce.data()),
                     nonce.size()) != 1)
    return std::nullopt;
  return base64url(sig, n);
}

std::string nonce_for(const std::array<uint8_t, 32>& key, uint64_t cid) {
  uint8_t message[8];
  for (int i = 0; i < 8; ++i)
    message[i] = static_cast<uint8_t>(cid >> (8 * i));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message, sizeof message, digest,
       &length);
  return base64url(digest, 11);
}

}  // namespace gnatsd::nkey
