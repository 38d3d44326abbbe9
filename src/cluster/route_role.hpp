// How a route connection came to be: dialled or accepted, configured or learned by gossip.
// The route connection sends its CONNECT from it; membership decides from it whether a lost
// route is dialled again.
#pragma once

#include <string>

namespace gnatsd {

struct route_role {
  bool solicited = false;   // we dialled it
  bool configured = false;  // from `routes` (retried forever), not learned by gossip
  std::string url;          // for solicited routes: the URL dialled
  std::string user, pass;   // credentials from the URL
};

}  // namespace gnatsd
