// NATS nkeys (Ed25519 keys in NATS' text form) for users that log in with a signature instead
// of a password: the server's INFO carries a nonce, the client signs it with its seed, and
// CONNECT carries the user's public key ("nkey") and the signature ("sig"). The signature is
// checked with OpenSSL's Ed25519.
//
// A public user key is base32 (RFC 4648, no padding) of the prefix byte 'U' (20 << 3), the
// 32 key bytes and a CRC-16/XMODEM of both, little-endian: 56 characters starting with 'U'.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gnatsd::nkey {

using public_key = std::array<uint8_t, 32>;

/// The key bytes of a public user key ("U..."), if `text` is one (prefix and checksum right).
std::optional<public_key> decode_user(std::string_view text);
/// Whether `text` is a public account key ("A...", prefix and checksum right).
bool valid_account(std::string_view text);
/// The key bytes of a public key of the kind whose prefix byte is `prefix`.
std::optional<public_key> decode_public(std::string_view text, uint8_t prefix);

/// The text form of a public user key (for tests and tools).
std::string encode_user(const public_key& key);

/// The text form of a user seed ("SU...") for a 32-byte Ed25519 private key (for tests).
std::string encode_user_seed(const std::array<uint8_t, 32>& seed);

/// Whether `signature` (base64, URL-safe or standard, padded or not) is `user`'s Ed25519
/// signature of `nonce`.
bool verify(std::string_view user, std::string_view nonce, std::string_view signature);

/// `nonce` signed with a user seed ("SU..."), base64 URL-safe without padding (what a
/// leafnode's CONNECT carries as `sig`); nothing if the seed is not a valid user seed.
std::optional<std::string> sign(std::string_view seed, std::string_view nonce);

/// A nonce for client `cid`: 11 bytes of a keyed SHA-256 of the cid under the server's secret
/// `key`, base64 URL-safe without padding (15 characters, as nats-server's). Unpredictable
/// without the key, and needs no state shared between the listener that sends the INFO and
/// the session that checks the CONNECT.
std::string nonce_for(const std::array<uint8_t, 32>& key, uint64_t cid);

}  // namespace gnatsd::nkey
