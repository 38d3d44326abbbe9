// Cluster membership: which peers this server has routes to, which URLs to dial and when,
// which of two connections to the same peer stays, and what every route is told about the
// others. The decisions of nats-server 2.9's route.go, free of actors, sockets and clocks.
//
// Events go in (a dial ended, a peer asks to register, a route closed, gossip arrived, the
// periodic re-announcement, a reload, lame duck mode); decisions come out as values (dial
// this now, dial that after a delay, send this INFO to that route, the client URLs changed).
// The server actor carries them out: it owns the route actors and the transport, this type
// knows routes only by their rid. Log lines that belong to a decision are written here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/route_role.hpp"
#include "config/options.hpp"
#include "log/logger.hpp"
#include "proto/route_info.hpp"
#include "util/prng.hpp"

namespace gnatsd::cluster {

/// Dial `url` with `role`: now (dials) or after `delay` (retries, which go through
/// membership::solicit again when they are due).
struct dial_order {
  std::string url;
  route_role role;
  duration delay{};
};

/// An INFO line for the registered route `rid`.
struct info_order {
  uint64_t rid = 0;
  std::string info;
};

struct decisions {
  std::vector<dial_order> dials;      // dial now; each is marked as being dialled
  std::vector<dial_order> retries;    // solicit again after the delay
  std::vector<info_order> infos;      // gossip for registered routes
  bool connect_urls_changed = false;  // every client session must hear the new list
  bool accepted = false;              // admit(): the peer is registered
  std::string refusal;                // admit(): why it is not (sent to the route)
};

/// A registered route, as /routez and the server's bookkeeping see it.
struct member {
  uint64_t rid = 0;
  std::string server_id;
  proto::route_info info;  // the peer's INFO
  route_role role;
};

class membership {
 public:
  struct settings {
    proto::route_info local;            // what we tell peers about ourselves
    bool cluster_dynamic = false;       // our cluster name was generated, not configured
    std::vector<std::string> own_urls;  // our client URLs, first in connect_urls
    std::vector<std::string> routes;    // the configured route URLs
    int connect_retries = 0;            // dials of a learned route before giving up
    std::string user, password;         // our cluster credentials, for learned routes
  };

  // Configured routes are redialled this long after a failed dial.
  static constexpr duration retry_delay = std::chrono::seconds{1};
  // A random pause of up to this much before a redial after a loss, as nats-server adds.
  static constexpr int64_t jitter_ms_max = 100;

  membership(settings s, logger& log, prng rng);

  // -- events --------------------------------------------------------------------------------

  /// A dial to `url` is wanted (configured at start, a retry that is due): the order, or
  /// nothing if the URL is being dialled already or its peer is connected.
  std::optional<dial_order> solicit(const std::string& url, route_role role);
  /// A dial ended; `error` empty: connected (the route's handshake follows).
  decisions dialed(const std::string& url, const route_role& role, const std::string& error);
  /// The route `rid` read its peer's first INFO: register it, or refuse it with a reason.
  decisions admit(uint64_t rid, const proto::route_info& peer, const route_role& role,
                  const std::string& remote_host);
  /// A registered route told us about another server (gossip), or about lame duck mode.
  decisions learned(const proto::route_info& info);
  /// The route `rid` closed (`peer_id` empty if it never registered).
  decisions closed(uint64_t rid, const std::string& peer_id, const route_role& role);
  /// The periodic re-announcement: every route hears about every other route again, and a
  /// configured URL nobody dials or covers is dialled.
  decisions regossip();
  /// A config reload: the configured routes are now `routes`, learned routes are dialled
  /// `connect_retries` times. (The cluster's name and credentials cannot change live: the
  /// program refuses such a reload.)
  decisions reload(const std::vector<std::string>& routes, int connect_retries);
  /// Lame duck mode: every route hears it, and clients are no longer sent to us.
  decisions enter_lame_duck();
  /// Shutdown: nothing is dialled or registered any more.
  void stop() { stopped_ = true; }
  void set_tls_required(bool tls) { local_.tls_required = tls; }

  // -- what it knows -------------------------------------------------------------------------

  const proto::route_info& local() const { return local_; }
  const std::vector<std::string>& connect_urls() const { return connect_urls_; }
  /// The registered routes, by rid.
  std::vector<member> members() const;
  /// The registered route `rid`, if it is one.
  std::optional<member> member_of(uint64_t rid) const;

 private:
  struct entry {
    uint64_t rid = 0;
    route_role role;
    proto::route_info info;  // the peer's INFO
    std::string gossip_url;  // where others reach the peer's cluster port
    // A duplicate of this route was refused: if the peer kept the other connection and closes
    // this one, it is redialled whichever side dialled it (nats-server's `retry`).
    bool retry = false;
  };

  bool peer_connected(const std::string& host_port) const;
  bool accept_cluster_name(const proto::route_info& peer);
  void gossip(const entry& added, decisions& out) const;
  void update_connect_urls(decisions& out, bool force = false);
  void resolicit_configured(decisions& out);
  void add_dial(const std::string& url, route_role role, decisions& out);
  dial_order retry(const std::string& url, const route_role& role, bool after_loss);

  logger& log_;
  prng rng_;
  proto::route_info local_;
  bool cluster_dynamic_;
  std::vector<std::string> own_urls_;
  int connect_retries_;
  std::string user_, password_;
  bool stopped_ = false;
  bool lame_duck_ = false;
  std::vector<std::string> connect_urls_;
  std::map<std::string, entry> routes_;            // registered routes, by peer server id
  std::set<std::string> dialing_;                  // host:port being dialled
  std::map<std::string, std::string> configured_;  // configured host:port -> its URL
  std::map<std::string, std::string> url_peer_;    // configured host:port -> peer server id
  std::map<std::string, int32_t> dial_failures_;   // URL -> failed dials in a row
};

}  // namespace gnatsd::cluster
