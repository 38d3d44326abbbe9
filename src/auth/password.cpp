#include "auth/password.hpp"

#include <crypt.h>

#include <memory>

namespace gnatsd {

bool is_bcrypt(std::string_view configured) {
  return configured.rfind("$2a$", 0) == 0 || configured.rfind("$2b$", 0) == 0 ||
         configured.rfind("$2y$", 0) == 0;
}

bool password_matches(const std::string& configured, const std::string& given) {
  if (!is_bcrypt(configured)) return configured == given;
  // crypt_rn: reentrant, and returns null instead of a failure token on a malformed hash.
  auto data = std::make_unique<crypt_data>();
  const char* hashed = crypt_rn(given.c_str(), configured.c_str(), data.get(), sizeof *data);
  return hashed != nullptr && configured == hashed;
}

}  // namespace gnatsd
