// Stream imports, seen from a client's subscription: a subscription in the importing account
// that reaches an import's subjects gets a shadow in the exporting account's sublist (as
// nats-server's shadow subscriptions), owned by the same client and delivering under the
// importer's subject. Shadows are ordinary local interest of the exporter: routes hear of
// them, so messages published there on any server find them.
#pragma once

#include <vector>

#include "accounts/account.hpp"
#include "routing/interest_change.hpp"

namespace gnatsd {

/// Gives `sub` (a client's subscription in `acc`, not yet shadowed) its shadows; appends the
/// interest they add.
void add_shadows(const account& acc, subscription& sub, std::vector<interest_change>& changes);

/// Removes the shadows of `sub`; appends the interest they took away.
void remove_shadows(subscription& sub, std::vector<interest_change>& changes);

}  // namespace gnatsd
