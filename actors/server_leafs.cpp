// The server actor's leafnode plumbing: spawning leafnode actors for accepted and dialled
// connections, registering them (a leaf that reconnects replaces its stale connection, as
// nats-server's addLeafNodeConnection does), and dialling the configured hubs again after a
// failure or a close, as cluster::leaf_remotes decides.
#include <caf/all.hpp>
#include <fstream>
#include <sstream>

#include "actors/leaf.hpp"
#include "actors/server_state.hpp"
#include "config/nats_url.hpp"
#include "util/host_port.hpp"

namespace gnatsd {
namespace {

// nats-server reports a failed first dial once and then every 3600th (ConnectErrorReports);
// after a connection was up, every failure (ReconnectErrorReports).
bool report_dial_error(int attempts) {
  return attempts == 1 || attempts % 3600 == 0;
}

// The account's leafnode count, and its CONNS event (nats-server counts leafnodes there).
void count_leaf(server_pointer self, const std::string& account, int delta) {
  auto& st = self->state;
  if (const auto acc = st.context->accounts.find(account))
    acc->leafnode_connections.fetch_add(delta, std::memory_order_relaxed);
  if (st.system) {
    client_event e;
    e.connected = delta > 0;
    e.leaf_account = account;
    self->send(st.system, client_event_atom_v, std::move(e));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> cluster_leaf_urls(server_pointer self) {
  auto& st = self->state;
  std::vector<std::string> urls;
  if (st.context->current_options()->leafnodes.no_advertise) return urls;
  if (!st.leaf_url.empty()) urls.push_back(st.leaf_url);
  for (const auto& m : st.members->members())
    for (const auto& u : m.info.leafnode_urls)
      if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);
  return urls;
}

void spawn_leaf_actor(server_pointer self, net::connection_ptr conn, leaf_role role) {
  auto& st = self->state;
  if (st.shutting_down) {
    conn->close(false);
    return;
  }
  leaf_config cfg;
  cfg.context = st.context;
  cfg.connection = std::move(conn);
  // Leafnodes take their ids from the clients' counter, as nats-server's "lid:N".
  cfg.lid = st.context->next_cid.fetch_add(1, std::memory_order_relaxed);
  cfg.role = std::move(role);
  cfg.leafnode_urls = cluster_leaf_urls(self);
  if (cfg.leafnode_urls.empty() && !st.leaf_url.empty()) cfg.leafnode_urls = {st.leaf_url};
  cfg.rng = st.rng.fork();
  cfg.server = server_actor{self};
  cfg.interest = st.interest;
  cfg.stats = std::make_shared<connection_stats>();
  const uint64_t lid = cfg.lid;
  auto stats = cfg.stats;
  const auto remote = cfg.connection->remote();
  auto leaf = spawn_leaf(self->system(), std::move(cfg));
  self->link_to(leaf);
  st.leaf_actors.emplace(lid,
                         server_state::child<leaf_actor>{leaf, stats, remote.host, remote.port});
}

void solicit_leafnodes(server_pointer self) {
  auto& st = self->state;
  const auto& options = st.context->current_options()->leafnodes;
  if (options.remotes.empty()) return;
  st.remotes.emplace(options, st.rng);
  for (const auto& d : st.remotes->start())
    dial_leaf(self, d);
}

void dial_leaf(server_pointer self, const cluster::leaf_dial& d) {
  auto& st = self->state;
  if (!st.remotes || st.shutting_down) return;
  nats_url url;
  if (!parse_nats_url(d.url, url) && !parse_nats_url(d.url + ":7422", url)) {
    net::connection_ptr none;
    on_leaf_dialed(self, d, none, "invalid URL");
    return;
  }
  st.context->log->debugf("Trying to connect as leafnode to remote server on \"" + url.host_port() +
                          "\"");
  server_actor me{self};
  st.transport->dial(url.host, url.port, net::tls_settings{},
                     [me, d](net::connection_ptr conn, std::string error) {
                       caf::anon_send(me, leaf_dialed_atom_v, d, std::move(conn), std::move(error));
                     });
}

void on_leaf_dialed(server_pointer self, const cluster::leaf_dial& d, net::connection_ptr& conn,
                    const std::string& error) {
  auto& st = self->state;
  if (!st.remotes) return;
  if (conn) {
    st.leaf_dial_attempts[d.remote] = 0;
    leaf_role role;
    role.solicited = true;
    role.remote = d.remote;
    role.url = d.url;
    const auto& remote = st.context->current_options()->leafnodes.remotes.at(d.remote);
    if (!remote.credentials.empty()) role.creds = read_file(remote.credentials);
    spawn_leaf_actor(self, std::move(conn), std::move(role));
    return;
  }
  const int attempts = ++st.leaf_dial_attempts[d.remote];
  nats_url url;
  parse_nats_url(d.url, url);
  const std::string line = "Error trying to connect as leafnode to remote server \"" +
                           url.host_port() + "\" (attempt " + std::to_string(attempts) +
                           "): " + (error.empty() ? std::string{"connection failed"} : error);
  if (report_dial_error(attempts)) {
    st.context->log->error(line);
  } else {
    st.context->log->debugf(line);
  }
  const auto next = st.remotes->dial_failed(d.remote);
  self->delayed_send(self, next.delay, leaf_dial_atom_v, next);
}

void register_leaf(server_pointer self, uint64_t lid, leaf_actor& actor, leaf_registration& reg) {
  auto& st = self->state;
  if (st.shutting_down) return;
  if (!reg.solicited && !reg.remote_server.empty()) {
    // The same server reconnecting for the same account: the new connection replaces the
    // stale one (nats-server evicts the old and tells it why).
    for (auto it = st.leafs.begin(); it != st.leafs.end(); ++it) {
      const auto& old = it->second;
      if (old.solicited || old.remote_server != reg.remote_server ||
          old.remote_cluster != reg.remote_cluster || old.account != reg.account)
        continue;
      if (auto a = st.leaf_actors.find(it->first); a != st.leaf_actors.end())
        self->send(a->second.actor, refused_atom_v,
                   std::string{"Duplicate Remote LeafNode Connection"});
      count_leaf(self, old.account, -1);
      self->send(st.interest, remove_leaf_atom_v, it->first);
      if (auto n = st.leaf_actors.find(lid); n != st.leaf_actors.end())
        st.context->log->warn(join_host_port(n->second.ip, n->second.port) + " - lid:" +
                              std::to_string(lid) + " - Replacing connection from same server");
      st.leafs.erase(it);
      break;
    }
  }
  self->send(actor, registered_atom_v);
  self->send(st.interest, add_leaf_atom_v, lid, actor, reg.audience);
  count_leaf(self, reg.account, +1);
  st.leafs[lid] = std::move(reg);
}

void leaf_urls_learned(server_pointer self, size_t remote, const std::vector<std::string>& urls) {
  auto& st = self->state;
  if (st.remotes && remote < st.remotes->size()) st.remotes->learned(remote, urls);
}

void leaf_closed(server_pointer self, uint64_t lid, bool solicited, size_t remote, duration extra) {
  auto& st = self->state;
  st.leaf_actors.erase(lid);
  if (const auto it = st.leafs.find(lid); it != st.leafs.end()) {
    count_leaf(self, it->second.account, -1);
    st.leafs.erase(it);
  }
  if (solicited && st.remotes && !st.shutting_down) {
    const auto next = st.remotes->closed(remote, extra);
    self->delayed_send(self, next.delay, leaf_dial_atom_v, next);
  }
  quit_when_empty(self);
}

}  // namespace gnatsd
