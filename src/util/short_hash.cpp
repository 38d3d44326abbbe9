#include "util/short_hash.hpp"

#include <openssl/sha.h>

namespace gnatsd {

std::string short_hash(std::string_view text, size_t size) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  unsigned char sha[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), sha);
  std::string out;
  for (size_t i = 0; i < size && i < sizeof sha; ++i)
    out += digits[sha[i] % 62];
  return out;
}

}  // namespace gnatsd
