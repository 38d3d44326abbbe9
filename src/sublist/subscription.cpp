#include "sublist/subscription.hpp"

namespace gnatsd {

bool subscription::reserve_delivery(bool& last) {
  last = false;
  if (closed.load(std::memory_order_acquire)) return false;
  const uint64_t n = delivered.fetch_add(1, std::memory_order_acq_rel) + 1;
  const uint64_t limit = max.load(std::memory_order_acquire);
  if (limit == 0) return true;
  if (n > limit) return false;
  last = n == limit;
  return true;
}

}  // namespace gnatsd

#include "auth/permissions.hpp"

namespace gnatsd {

bool leaf_peer::may_send(std::string_view subject) const {
  return send_filter == nullptr || send_filter->can_publish(subject);
}

}  // namespace gnatsd
