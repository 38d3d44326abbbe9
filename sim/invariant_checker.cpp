#include "sim/invariant_checker.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "proto/leaf_parser.hpp"
#include "proto/route_parser.hpp"
#include "routing/gateway_replies.hpp"
#include "subject/subject.hpp"

namespace gnatsd::sim {

// Parses what one route end reads, exactly as the route actor will see it.
struct invariant_checker::route_tap final : proto::route_op_handler {
  invariant_checker* checker = nullptr;
  const sim_end* end = nullptr;
  bool gateway = false;
  proto::route_parser parser;

  bool on_info(std::string_view) override { return true; }
  bool on_connect(std::string_view) override { return true; }
  bool on_ping() override { return true; }
  bool on_pong() override { return true; }
  bool on_err(std::string_view) override { return true; }
  bool on_remote_sub(std::string_view, std::string_view, std::string_view, int32_t) override {
    return true;
  }
  bool on_remote_unsub(std::string_view, std::string_view, std::string_view) override {
    return true;
  }
  bool on_routed_message(const proto::routed_message& m) override {
    if (m.account == "$SYS") {
      checker->on_system_routed(*end, gateway, m.subject, m.message.substr(m.header_size));
      return true;
    }
    checker->on_routed(*end, gateway, m.subject, m.message.substr(m.header_size));
    return true;
  }
};

// Parses what one end of a leafnode link reads, as the leafnode actor will see it.
struct invariant_checker::leaf_tap final : proto::leaf_op_handler {
  invariant_checker* checker = nullptr;
  const sim_end* end = nullptr;
  proto::leaf_parser parser;

  bool on_info(std::string_view) override { return true; }
  bool on_connect(std::string_view) override { return true; }
  bool on_ping() override { return true; }
  bool on_pong() override { return true; }
  bool on_err(std::string_view) override { return true; }
  bool on_leaf_sub(std::string_view, std::string_view, int32_t) override { return true; }
  bool on_leaf_unsub(std::string_view) override { return true; }
  bool on_leaf_message(const proto::routed_message& m) override {
    checker->on_leaf_carried(*end, m.subject, m.message.substr(m.header_size));
    return true;
  }
};

invariant_checker::invariant_checker(sim_network& net, int cluster_port,
                                     std::function<int(const std::string&)> server_of_host,
                                     std::function<int64_t()> now, size_t outbound_bound)
    : net_(net),
      cluster_port_(cluster_port),
      server_of_host_(std::move(server_of_host)),
      now_(std::move(now)),
      outbound_bound_(outbound_bound) {}

invariant_checker::~invariant_checker() = default;

void invariant_checker::fail(const std::string& what) {
  if (!failure_.empty()) return;
  char stamp[48];
  std::snprintf(stamp, sizeof stamp, "at %.6f: ", static_cast<double>(now_()) / 1e9);
  failure_ = stamp + what;
}

void invariant_checker::published(const message_id& id, const std::string& subject,
                                  const std::string& header) {
  published_[id.id] = publication{subject, id.origin, header};
  last_published_ = std::max(last_published_, id.id);
}

int invariant_checker::replies_to(uint64_t request) const {
  const auto it = replies_.find(request);
  return it == replies_.end() ? 0 : it->second;
}

void invariant_checker::check_bounds(size_t mailbox) {
  net_.for_each_end([&](const sim_end& e) {
    if (server_of_host_(e.local().host) < 0) return;  // a test client's own queue
    const size_t held = e.outbound_backlog();
    if (held > outbound_bound_)
      fail("bounded outbound bytes: " + e.local().host + " holds " + std::to_string(held) +
           " bytes for " + e.remote().host + ":" + std::to_string(e.remote().port) + " (bound " +
           std::to_string(outbound_bound_) + ")");
    if (held > outbound_bound_ / 2) ++net_.coverage()["outbound bytes past half the bound"];
  });
  if (mailbox > max_mailbox)
    fail("bounded mailboxes: an actor has " + std::to_string(mailbox) + " queued messages");
}

const std::vector<std::pair<int, std::string>>& invariant_checker::deliveries_of(
    uint64_t id) const {
  static const std::vector<std::pair<int, std::string>> none;
  const auto it = deliveries_.find(id);
  return it == deliveries_.end() ? none : it->second;
}

void invariant_checker::on_connected(const sim_end& dialer, const sim_end& acceptor) {
  if (acceptor.local().port != cluster_port_) return;
  const auto& a = dialer.local().host;
  const auto& b = acceptor.local().host;
  // The new connection is the only one between the two: a route being re-established.
  if (net_.open_connections_between(a, b) != 1) return;
  auto& restored = net_.restored_links();
  if (restored.erase(a < b ? std::make_pair(a, b) : std::make_pair(b, a)) != 0)
    ++net_.coverage()["route re-established after a cut or partition"];
  if (restarted_.erase(a) + restarted_.erase(b) != 0)
    ++net_.coverage()["route to a restarted server (new id)"];
}

void invariant_checker::on_read(const sim_end& to, const std::vector<char>& data) {
  if (leaf_port_ > 0 && (to.local().port == leaf_port_ || to.remote().port == leaf_port_)) {
    if (server_of_host_(to.local().host) < 0 || server_of_host_(to.remote().host) < 0) return;
    auto& tap = leaf_taps_[to.id()];
    if (!tap) {
      tap = std::make_unique<leaf_tap>();
      tap->checker = this;
      tap->end = &to;
      tap->parser.set_headers_enabled(true);
    }
    const auto status = tap->parser.parse(data.data(), data.size(), *tap);
    if (!status.ok)
      fail("leafnode protocol: " + to.remote().host + " sent " + to.local().host +
           " bytes that do not parse (" + std::string{proto::error_text(status.error)} + ")");
    return;
  }
  const bool gateway = to.local().port == gateway_port_ || to.remote().port == gateway_port_;
  if (!gateway && to.local().port != cluster_port_ && to.remote().port != cluster_port_) return;
  // Only routes between servers: a hostile peer's bytes are not route traffic (the server
  // refuses them), and what it receives is checked by the scenario.
  if (server_of_host_(to.local().host) < 0 || server_of_host_(to.remote().host) < 0) return;
  auto& tap = taps_[to.id()];
  if (!tap) {
    tap = std::make_unique<route_tap>();
    tap->checker = this;
    tap->end = &to;
    tap->gateway = gateway;
  }
  const auto status = tap->parser.parse(data.data(), data.size(), *tap);
  if (!status.ok)
    fail(std::string{gateway ? "gateway" : "route"} + " protocol: " + to.remote().host + " sent " +
         to.local().host + " bytes that do not parse (" +
         std::string{proto::error_text(status.error)} + ")");
  if (tap->parser.mid_control_line()) ++net_.coverage()["route read split a control line"];
}

// The system account carries the servers' own events (STATSZ heartbeats, SHUTDOWN); the
// workload never publishes there, so any workload message in it leaked across accounts.
// Each names the server that published it (`server.id`, or `id` for SHUTDOWN): the one-hop
// rule holds for them as for the workload's (a forwarded heartbeat would circle forever).
void invariant_checker::on_system_routed(const sim_end& to, bool gateway, std::string_view subject,
                                         std::string_view payload) {
  message_id id;
  const std::string where =
      std::string{gateway ? "gateway " : "route "} + to.remote().host + " -> " + to.local().host;
  if (message_id::decode(payload, id) || subject.substr(0, 5) != "$SYS.") {
    fail("isolation: " + where + " carried '" + std::string{subject} + "' in the system account");
    return;
  }
  const auto event = nlohmann::json::parse(payload, nullptr, false);
  const auto* server = event.is_object() && event.contains("server") ? &event["server"] : &event;
  const std::string origin =
      server->is_object() && server->contains("id") && (*server)["id"].is_string()
          ? (*server)["id"].get<std::string>()
          : std::string{};
  const int sender = server_of_host_(to.remote().host);
  // Any id the sender has had: bytes written before a crash may still arrive after it.
  int publisher = -1;
  for (const auto& [server, ids] : server_ids_)
    if (ids.count(origin) != 0) publisher = server;
  if (server_ids_.count(sender) != 0 && !may_carry(gateway, sender, publisher))
    fail("one hop: " + where + " carried '" + std::string{subject} + "' published by " +
         (origin.empty() ? std::string{"no server"} : origin) + ", not by the sending server");
  ++net_.coverage()["system account event crossed a route"];
}

void invariant_checker::on_routed(const sim_end& to, bool gateway, std::string_view subject,
                                  std::string_view payload) {
  message_id id;
  const std::string where =
      std::string{gateway ? "gateway " : "route "} + to.remote().host + " -> " + to.local().host;
  if (!message_id::decode(payload, id)) {
    fail("phantom: " + where + " carried an unknown payload '" + std::string{payload} + "'");
    return;
  }
  const int sender = server_of_host_(to.remote().host);
  if (!may_carry(gateway, sender, id.origin))
    fail("one hop: " + where + " carried " + id.encode() + ", published on server " +
         std::to_string(id.origin) + ", not on the sending server " + std::to_string(sender));
  if (!routed_.insert({to.id(), id.id}).second)
    fail("one RMSG per route or gateway: " + where + " carried " + id.encode() + " twice");
  // A routed reply travels as "_GR_.<cluster>.<server>.<the subject it was published on>".
  const bool routed_reply = gateway_reply::is_routed(subject);
  if (routed_reply) subject = gateway_reply::original(subject);
  const auto it = published_.find(id.id);
  if (it == published_.end() || it->second.subject != subject)
    fail("phantom: " + where + " carried " + id.encode() + " on '" + std::string{subject} + "'");
  if (!gateway) ++net_.coverage()["message crossed a route"];
  if (gateway) ++net_.coverage()["message crossed a gateway"];
  if (gateway && routed_reply) ++net_.coverage()["routed reply crossed a gateway"];
  if (!gateway && cluster_of(id.origin) != cluster_of(sender))
    ++net_.coverage()["message from another cluster crossed a route"];
}

void invariant_checker::on_leaf_carried(const sim_end& to, std::string_view subject,
                                        std::string_view payload) {
  message_id id;
  const std::string where = "leafnode " + to.remote().host + " -> " + to.local().host;
  if (!message_id::decode(payload, id)) {
    // The system account never crosses a leafnode bound to $G; anything else is a phantom.
    fail("phantom: " + where + " carried an unknown payload '" + std::string{payload} + "'");
    return;
  }
  const int sender = server_of_host_(to.remote().host);
  const int receiver = server_of_host_(to.local().host);
  const bool to_hub = to.local().port == leaf_port_;
  if (cluster_of(receiver) == cluster_of(id.origin))
    fail("no loops: " + where + " brought " + id.encode() + " back into cluster C" +
         std::to_string(cluster_of(id.origin)) + " where it was published");
  if (to_hub && sender != id.origin)
    fail("leafnode: " + where + " carried " + id.encode() + ", published on server " +
         std::to_string(id.origin) + ", not on the sending leaf");
  if (!routed_.insert({to.id(), id.id}).second)
    fail("one LMSG per leafnode connection: " + where + " carried " + id.encode() + " twice");
  const auto it = published_.find(id.id);
  if (it == published_.end() || it->second.subject != subject)
    fail("phantom: " + where + " carried " + id.encode() + " on '" + std::string{subject} + "'");
  ++net_.coverage()[to_hub ? "message crossed a leafnode to its hub"
                           : "message crossed a leafnode from its hub"];
}

void invariant_checker::on_delivery(const workload_client& client, const received_message& m) {
  const std::string sid{m.sid};
  const std::string who = "client " + std::to_string(client.index()) + " sid " + sid;
  message_id id;
  if (!message_id::decode(m.payload, id)) {
    fail("phantom: " + who + " got an unknown payload '" + std::string{m.payload} + "'");
    return;
  }
  const auto pub = published_.find(id.id);
  if (pub == published_.end() || pub->second.subject != m.subject) {
    fail("phantom: " + who + " got " + id.encode() + " on '" + std::string{m.subject} + "'");
    return;
  }
  const client_subscription* sub = nullptr;
  for (const auto& s : client.subscriptions())
    if (s.sid == sid) sub = &s;
  if (sub == nullptr || !subject::matches(sub->subject, m.subject)) {
    fail("phantom: " + who + " got " + id.encode() + " on '" + std::string{m.subject} +
         "', which it did not subscribe to");
    return;
  }
  if (account_of(id.publisher) != account_of(client.index())) {
    fail("isolation: " + who + " in account " + std::to_string(account_of(client.index())) +
         " got " + id.encode() + ", published in account " +
         std::to_string(account_of(id.publisher)));
    return;
  }
  if (account_of(client.index()) != 0) covered("message delivered in account A or B");
  if (!delivered_.insert({client.index(), sid, id.id}).second)
    fail("duplicate: " + who + " got " + id.encode() + " twice");
  auto& last = last_sequence_[{client.index(), sid, id.publisher}];
  if (id.sequence <= last)
    fail("order: " + who + " got " + id.encode() + " after sequence " + std::to_string(last) +
         " of the same publisher");
  last = std::max(last, id.sequence);
  if (!sub->queue.empty() && ++queue_copies_[{id.id, sub->queue}] > 1)
    fail("queue group: " + id.encode() + " reached two members of '" + sub->queue + "' (the " +
         "second is " + who + ")");
  check_protocol(client, *sub, m, id, pub->second, who);
  deliveries_[id.id].emplace_back(client.index(), sid);
}

void invariant_checker::check_protocol(const workload_client& client,
                                       const client_subscription& sub, const received_message& m,
                                       const message_id& id, const publication& pub,
                                       const std::string& who) {
  // The client counted this delivery already (workload_client::deliver).
  if (sub.max > 0 && sub.received == sub.max) covered("auto-unsubscribe limit reached");
  if (sub.max > 0 && sub.received > sub.max && sub.limit_confirmed_after != 0 &&
      id.id > sub.limit_confirmed_after)
    fail("auto-unsubscribe: " + who + " got message " + std::to_string(sub.received) +
         " with a limit of " + std::to_string(sub.max) + ": " + id.encode() +
         ", published after a PONG confirmed the limit");
  if (!client.options().echo && id.publisher == client.index())
    fail("echo: " + who + " got its own " + id.encode() + " with echo off");
  if (!pub.header.empty() && client.options().headers) {
    if (!m.hmsg || m.header != pub.header)
      fail("headers: " + who + " got " + id.encode() + " without its header intact");
  } else if (m.hmsg) {
    fail("headers: " + who + " got " + id.encode() + " as HMSG" +
         (pub.header.empty() ? " though it had no header" : " though it asked for no headers"));
  }
  if (sub.gone_after_message != 0 && id.id > sub.gone_after_message)
    fail("flush: " + who + " got " + id.encode() + ", published after a PONG confirmed its UNSUB");
  if (const auto r = reply_to_.find(id.id); r != reply_to_.end() && ++replies_[r->second] > 1)
    fail("request/reply: the requester got a second reply to m" + std::to_string(r->second) + " (" +
         who + ")");
  if (!m.reply.empty()) covered("message with a reply subject delivered");
  if (m.hmsg) covered("header delivered intact");
  if (!pub.header.empty() && !m.hmsg) covered("header stripped for a client without headers");
  if (reply_to_.count(id.id) != 0) covered("reply reached its requester");
}

void invariant_checker::on_client_error(const workload_client& client, std::string_view what) {
  fail("client " + std::to_string(client.index()) + " got '" + std::string{what} + "'");
}

}  // namespace gnatsd::sim
