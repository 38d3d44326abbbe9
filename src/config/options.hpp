// Every setting of the server, with nats-server 2.9.10's defaults, in one struct.
//
// Filled from the config file (`apply_config`) and then from the command line, which
// overrides the file. Limits are named here and nowhere else.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/response_type.hpp"
#include "auth/permissions.hpp"
#include "config/config_value.hpp"

namespace gnatsd {

using duration = std::chrono::nanoseconds;

/// A user of a `users` list (of `authorization {}` or of an account). A user without
/// permissions of its own got its block's default_permissions when the config was read.
struct user_entry {
  std::string user;
  std::string password;  // plain text or a bcrypt hash
  std::optional<permission_set> permissions;
  std::string account;  // the account it logs in to; empty: the global account $G
  std::string nkey;     // an nkey user ("U...", no user or password): logs in by signature
};

/// An entry of an account's `exports`: a stream (messages) or a service (requests) other
/// accounts may import; `accounts` empty: any account may.
/// `latency` of a service export: a sample of its requests (`sampling` percent; 0: those whose
/// trace headers ask for it) is measured and published on `subject` in the exporting account.
struct latency_options {
  int sampling = 100;
  std::string subject;
  bool operator==(const latency_options& o) const {
    return sampling == o.sampling && subject == o.subject;
  }
};

struct export_options {
  bool service = false;
  std::string subject;
  std::vector<std::string> accounts;
  response_type response = response_type::singleton;  // services
  duration threshold = std::chrono::minutes{2};       // services: how long replies may take
  /// `account_token_position`: this token (from 1, a `*` of the subject) of an import's
  /// subject must be the importing account's name. 0: none.
  int account_token_position = 0;
  std::optional<latency_options> latency;  // services
  bool operator==(const export_options& o) const {
    return service == o.service && subject == o.subject && accounts == o.accounts &&
           response == o.response && threshold == o.threshold &&
           account_token_position == o.account_token_position && latency == o.latency;
  }
};

/// An entry of an account's `imports`: `subject` of `account`'s export, read here under
/// `prefix` or as `to` (a stream), or published here on `to` (a service).
struct import_options {
  bool service = false;
  std::string account;
  std::string subject;
  std::string prefix;  // streams
  std::string to;
  bool share = false;  // services: the request carries the requester's details
  bool operator==(const import_options& o) const {
    return service == o.service && account == o.account && subject == o.subject &&
           prefix == o.prefix && to == o.to && share == o.share;
  }
};

/// An account of the `accounts {}` block: its own subject space. Its users are in
/// authorization.users, with `account` naming it.
/// One entry of `mappings`: messages published on `source` go to one of `destinations`
/// (picked by weight, in percent; what the weights leave up to 100 keeps its subject).
struct mapping_options {
  struct destination {
    std::string subject;
    int weight = 100;
    std::string cluster;  // empty: any cluster
    bool operator==(const destination& o) const {
      return subject == o.subject && weight == o.weight && cluster == o.cluster;
    }
  };
  std::string source;
  std::vector<destination> destinations;
  bool operator==(const mapping_options& o) const {
    return source == o.source && destinations == o.destinations;
  }
};

/// An account's `limits` (-1: none): clients of the account at once on this server, and
/// per client subscriptions and payload size (the server's own limits still apply).
struct account_limits {
  int64_t max_connections = -1;
  int64_t max_subscriptions = -1;
  int64_t max_payload = -1;
  int64_t max_leafnodes = -1;  // read; there are no leafnodes yet
  bool operator==(const account_limits& o) const {
    return max_connections == o.max_connections && max_subscriptions == o.max_subscriptions &&
           max_payload == o.max_payload && max_leafnodes == o.max_leafnodes;
  }
};

struct account_options {
  std::string name;
  std::vector<export_options> exports;
  std::vector<import_options> imports;
  std::vector<mapping_options> mappings;
  account_limits limits;
  std::string nkey;  // the account's public key ("A..."), as nats-server records it
  bool operator==(const account_options& o) const {
    return name == o.name && exports == o.exports && imports == o.imports &&
           mappings == o.mappings && limits == o.limits && nkey == o.nkey;
  }
};

/// An account with nothing but its name.
inline account_options named_account(std::string name) {
  account_options a;
  a.name = std::move(name);
  return a;
}

struct authorization_options {
  std::string user;
  std::string password;
  std::string token;
  duration timeout = std::chrono::seconds{2};
  std::vector<user_entry> users;
  std::optional<permission_set> default_permissions;

  bool required() const { return !user.empty() || !token.empty() || !users.empty(); }
  /// Whether a user logs in with an nkey (clients then get a nonce in their INFO).
  bool has_nkeys() const {
    for (const auto& u : users)
      if (!u.nkey.empty()) return true;
    return false;
  }
};

/// A `tls {}` block (top level for clients, inside `cluster {}` for routes) or the --tls*
/// flags. Certificates are loaded by the transport adapter (net/asio/tls_context).
struct tls_options {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;  // empty: the system's trusted roots
  bool verify = false;  // clients must present a certificate the CA signed
  duration timeout = std::chrono::seconds{2};
  std::vector<std::string> cipher_suites;      // Go's names; empty: OpenSSL's defaults
  std::vector<std::string> curve_preferences;  // "CurveP256", "CurveP384", "CurveP521", "X25519"
  bool insecure = false;                       // route dials: do not verify the peer's certificate
  bool verify_and_map = false;  // verify, and the certificate names the `users` entry
  // Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo of each certificate a peer may
  // present; empty: any certificate the CA signed.
  std::vector<std::string> pinned_certs;

  bool operator==(const tls_options& o) const {
    return enabled == o.enabled && cert_file == o.cert_file && key_file == o.key_file &&
           ca_file == o.ca_file && verify == o.verify && timeout == o.timeout &&
           cipher_suites == o.cipher_suites && curve_preferences == o.curve_preferences &&
           insecure == o.insecure && verify_and_map == o.verify_and_map &&
           pinned_certs == o.pinned_certs;
  }
};

struct cluster_options {
  std::string host;
  int port = 0;  // 0: not clustered
  std::string name;
  std::vector<std::string> routes;
  authorization_options authorization;
  std::string advertise;
  bool no_advertise = false;
  int connect_retries = 0;
  tls_options tls;  // routes: TLS first on both sides, certificates always verified
  /// `permissions { import, export }`, read as a user's (import is publish, export is
  /// subscribe, as nats-server maps them): routes ask peers only for importable subjects
  /// and accept only exportable interest from them.
  std::optional<permission_set> permissions;
};

/// One entry of a gateway's `gateways` list: a remote cluster and where to reach it.
struct remote_gateway_options {
  std::string name;
  std::vector<std::string> urls;   // as written ("nats://host:port", with optional user:pass@)
  std::optional<tls_options> tls;  // its own `tls`; none: the gateway block's
  bool operator==(const remote_gateway_options& o) const {
    return name == o.name && urls == o.urls && tls == o.tls;
  }
};

/// The `gateway {}` block: this cluster's name in a supercluster, the port other clusters
/// dial, and the remote clusters this server dials itself (others are learned by gossip).
struct gateway_options {
  std::string name;
  std::string host;                     // empty: 0.0.0.0
  int port = 0;                         // 0: no gateway; -1: pick a free port
  authorization_options authorization;  // one user at most, no token (nats-server's rule)
  std::string advertise;
  int connect_retries = 0;      // implicit gateways: dials before giving up (0: one round)
  bool reject_unknown = false;  // refuse clusters not in `gateways`
  tls_options tls;
  std::vector<remote_gateway_options> gateways;
  /// nats-server enables gateways only with both a name and a port.
  bool enabled() const { return !name.empty() && port != 0; }
  bool operator==(const gateway_options& o) const {
    return name == o.name && host == o.host && port == o.port &&
           authorization.user == o.authorization.user &&
           authorization.password == o.authorization.password &&
           authorization.timeout == o.authorization.timeout && advertise == o.advertise &&
           connect_retries == o.connect_retries && reject_unknown == o.reject_unknown &&
           tls == o.tls && gateways == o.gateways;
  }
};

/// One entry of `leafnodes { remotes: [...] }`: a hub this server dials as a leaf.
struct remote_leaf_options {
  std::vector<std::string> urls;  // "nats-leaf://[user:pass@]host:port" (also nats://, tls://)
  std::string account;            // the local account the connection binds; empty: $G
  std::string credentials;        // a creds file (user JWT and nkey seed) or an nkey seed file
  std::optional<tls_options> tls;
  bool hub = false;  // this server takes the hub role on the connection
  bool no_randomize = false;
  std::vector<std::string> deny_imports;  // subjects the hub may not send us (our subscriptions)
  std::vector<std::string> deny_exports;  // subjects we do not send the hub (our publishes)
  bool operator==(const remote_leaf_options& o) const {
    return urls == o.urls && account == o.account && credentials == o.credentials && tls == o.tls &&
           hub == o.hub && no_randomize == o.no_randomize && deny_imports == o.deny_imports &&
           deny_exports == o.deny_exports;
  }
};

/// A user of `leafnodes { authorization { users } }`: a leaf logs in as it and is bound to
/// its account.
struct leaf_user {
  std::string user;
  std::string password;
  std::string account;  // empty: $G
  bool operator==(const leaf_user& o) const {
    return user == o.user && password == o.password && account == o.account;
  }
};

/// The `leafnodes {}` block: the port leaf servers dial (this server is their hub) and the
/// hubs this server dials as a leaf.
struct leafnode_options {
  std::string host;            // empty: 0.0.0.0
  int port = 0;                // 0: no leafnode port; -1: pick a free port
  std::string user, password;  // a single login for every leaf
  std::string account;         // the account a leaf logging in without a user binds
  duration auth_timeout{};     // 0: nats-server's default
  std::vector<leaf_user> users;
  tls_options tls;
  std::string advertise;
  bool no_advertise = false;
  duration reconnect = std::chrono::seconds{1};
  std::string min_version;
  std::vector<remote_leaf_options> remotes;
  bool operator==(const leafnode_options& o) const {
    return host == o.host && port == o.port && user == o.user && password == o.password &&
           account == o.account && auth_timeout == o.auth_timeout && users == o.users &&
           tls == o.tls && advertise == o.advertise && no_advertise == o.no_advertise &&
           reconnect == o.reconnect && min_version == o.min_version && remotes == o.remotes;
  }
};

struct server_options {
  std::string host = "0.0.0.0";
  int port = 4222;  // -1: pick a free port
  std::string server_name;
  std::string http_host;       // empty: the client listen host, as nats-server does
  int http_port = 0;           // 0: monitoring off
  int https_port = 0;          // monitoring over TLS (the top-level `tls` certificate); 0: off
  std::string http_base_path;  // every monitoring endpoint lies under it ("/nats/varz")
  std::vector<mapping_options> mappings;  // top-level `mappings`: the global account's

  bool debug = false;
  bool trace = false;
  bool logtime = true;
  std::string log_file;
  std::string pid_file;
  std::string ports_file_dir;  // empty: no ports file
  /// gnatsd's own: actor worker threads, each of which also runs network I/O (0: from the
  /// cores this process may run on, its CPU affinity). Fixed at start.
  int worker_threads = 0;
  /// How long a client session parses one read buffer before the worker's other connections
  /// get a turn (actors/client_session.cpp); not a config key. 0: one 4 KiB slice per turn,
  /// which the simulator uses on some servers, since its actor clock stands still during a
  /// turn (with the default, it parses every buffer in one turn).
  std::chrono::microseconds read_turn{10};

  int64_t max_payload = 1024 * 1024;
  int max_connections = 65536;
  int64_t max_control_line = 4096;
  int64_t max_pending = 64 * 1024 * 1024;
  int max_subscriptions = 0;  // 0: unlimited
  duration ping_interval = std::chrono::minutes{2};
  int ping_max = 2;
  duration write_deadline = std::chrono::seconds{10};
  duration lame_duck_duration = std::chrono::minutes{2};
  duration lame_duck_grace_period = std::chrono::seconds{10};

  authorization_options authorization;
  tls_options tls;  // clients: INFO in plain text, then the TLS handshake
  cluster_options cluster;
  gateway_options gateway;
  leafnode_options leafnodes;

  std::vector<account_options> accounts;  // besides $G (and the system account)
  std::string no_auth_user;               // a client without credentials logs in as this user
  std::string system_account;             // empty: "$SYS", created unless no_system_account
  bool no_system_account = false;         // no_sys_acc

  /// The system account's name; empty when there is none.
  std::string system_account_name() const {
    if (!system_account.empty()) return system_account;
    return no_system_account ? std::string{} : std::string{"$SYS"};
  }

  std::string config_file;

  bool auth_required() const { return authorization.required(); }
};

/// Applies a parsed config file; throws config::parse_error naming file:line:column for an
/// unknown field, a wrong type or a bad value. Warnings (e.g. a bare integer used as a
/// duration) are appended to `warnings`.
void apply_config(const config::value& top, server_options& opts,
                  std::vector<std::string>& warnings);

/// Checks the cross-field rules nats-server checks at startup; returns an error message or
/// an empty string.
std::string validate(const server_options& opts);

/// Parses a Go duration such as "2m", "1h30m", "500ms", "1.5s". Returns false on error.
bool parse_go_duration(const std::string& text, duration& out);

/// Formats a duration the way Go prints it ("2m0s", "10s", "500ms").
std::string format_go_duration(duration d);

}  // namespace gnatsd
