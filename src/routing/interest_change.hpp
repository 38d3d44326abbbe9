// A change of local interest that routes must hear about: a client's subscription added or
// removed (also a stream import's shadow of it, in the exporting account, and a service
// export's response subscription). Collected by connections, applied by the interest actor
// to the interest_table, which turns transitions into RS+/RS-.
#pragma once

#include <string>

namespace gnatsd {

struct interest_change {
  std::string account;
  std::string subject;
  std::string queue;
  int delta = 0;  // +1 added, -1 removed
};

}  // namespace gnatsd
