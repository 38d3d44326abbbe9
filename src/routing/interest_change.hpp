// A change of local interest that routes must hear about: a client's subscription added or
// removed (also a stream import's shadow of it, in the exporting account, and a service
// export's response subscription). Collected by connections, applied by the interest actor
// to the interest_table, which turns transitions into RS+/RS-.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace gnatsd {

/// Who holds the interest: decides who hears of it (nats-server's rules: routes hear of
/// local clients and of leafnodes we are the hub of; other clusters of everything in this
/// cluster; a leafnode of everything its side may see, routing/leaf_interest.hpp).
enum class interest_source : uint8_t {
  client,      // a local client (or the system service)
  route,       // a route's peer
  gateway,     // another cluster, over an outbound gateway
  leaf_hub,    // a leafnode that dialled us: we are its hub
  leaf_spoke,  // the hub we dialled as a leaf
};

struct interest_change {
  interest_change() = default;
  interest_change(std::string account_, std::string subject_, std::string queue_, int delta_,
                  interest_source source_ = interest_source::client, uint64_t source_id_ = 0,
                  std::string origin_ = {})
      : account(std::move(account_)),
        subject(std::move(subject_)),
        queue(std::move(queue_)),
        delta(delta_),
        source(source_),
        source_id(source_id_),
        origin(std::move(origin_)) {}

  std::string account;
  std::string subject;
  std::string queue;
  int delta = 0;  // +1 added, -1 removed; for a queue group the change of its weight
  interest_source source = interest_source::client;
  uint64_t source_id = 0;  // the connection (route, gateway or leafnode id); 0 for clients
  std::string origin;      // the leafnode cluster the interest comes from, if any
};

}  // namespace gnatsd
