// How many subscriptions of connections (clients and routes) an account's sublist holds:
// the internal ones (service imports, among them the system account's imports every account
// has, and response subscriptions) are the server's own and not counted.
#pragma once

#include <cstddef>

#include "accounts/account.hpp"

namespace gnatsd::test {

inline size_t connection_subscriptions(const account& acc) {
  size_t n = 0;
  acc.subscriptions().for_each([&](const subscription& sub) {
    if (!sub.internal) ++n;
  });
  return n;
}

}  // namespace gnatsd::test
