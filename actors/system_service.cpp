#include "actors/system_service.hpp"

#include <caf/all.hpp>
#include <map>

#include "actors/connection_bridge.hpp"
#include "proto/identity.hpp"
#include "proto/msg_frames.hpp"
#include "routing/message_router.hpp"
#include "system/latency_reports.hpp"
#include "system/system_messages.hpp"

namespace gnatsd {

template <>
inline void actor_subscriber<system_actor>::subscription_expired(uint64_t) {
  // The service's subscriptions have no auto-unsubscribe limit.
}

namespace {

// The STATSZ heartbeat starts at a quarter second and doubles up to nats-server's 30 s, so a
// tool that starts with the server sees it at once. A server not heard from for three
// heartbeats is no longer counted as active.
constexpr auto statsz_first = std::chrono::milliseconds{250};
constexpr auto statsz_max = std::chrono::seconds{30};
constexpr int64_t orphan_after_ns = 90'000'000'000;
constexpr auto timeouts_interval = std::chrono::seconds{1};
// Requests waiting for the server actor's snapshot at most; a flood beyond is not answered.
constexpr size_t pending_max = 1024;

struct pending_request {
  std::string reply;
  system::request req;
};

struct system_state {
  system_config config;
  std::shared_ptr<actor_subscriber<system_actor>> owner;
  std::unique_ptr<message_router> router;
  account_ptr account;  // the system account served now
  std::vector<subscription_ptr> subs;
  system::server_identity identity;
  uint64_t seq = 0;
  int64_t start_ns = 0;  // the actor clock's time at start (the simulator's wall clock)
  std::map<uint64_t, pending_request> pending;
  uint64_t next_token = 1;
  std::map<std::string, int64_t, std::less<>> remote_servers;  // id -> last heard (actor clock)
  caf::timespan statsz_interval{statsz_first};
  system::latency_reports latency;
  std::string latency_subject;  // $SYS.LATENCY.M2.<our hash>: other servers' halves
  bool tracks_latency = false;  // some export has `latency` (subscribed to the halves)
  bool timeouts_armed = false;
  bool stopped = false;
};

using system_pointer = system_actor::stateful_pointer<system_state>;

int64_t steady_ns(system_pointer self) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             self->clock().now().time_since_epoch())
      .count();
}

monitor::clock_view facts(system_pointer self) {
  auto& st = self->state;
  const int64_t steady = steady_ns(self);
  if (st.config.machine) {
    auto c = st.config.machine();
    c.steady_now_ns = steady;
    return c;
  }
  monitor::clock_view c;
  c.now_ns = c.steady_now_ns = steady;
  c.start_ns = st.start_ns;
  return c;
}

system::header header_now(system_pointer self, const monitor::clock_view& c) {
  return system::header{&self->state.identity, ++self->state.seq, c.now_ns};
}

// Publishes as the server's internal client: in the system account, or in `account`.
void publish(system_pointer self, const std::string& subject, std::string_view reply,
             const std::string& payload, account_ptr account = nullptr) {
  auto& st = self->state;
  if (!account) account = st.account;
  if (!account) return;
  proto::message_view m;
  m.subject = subject;
  m.reply = reply;
  m.message = payload;
  message_origin origin;
  origin.self = st.owner.get();
  origin.acc = account.get();
  origin.echo = false;
  st.router->set_now(std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch()));
  st.router->route(m, origin);
  st.router->expired_own().clear();
  st.router->flush();
}

// Whether anyone (here or on a route) listens to `subject` in the system account: events
// nobody hears are not rendered.
bool heard(system_pointer self, const std::string& subject) {
  auto& st = self->state;
  return st.account && !st.account->subscriptions().match(subject)->empty();
}

void unsubscribe_all(system_pointer self) {
  auto& st = self->state;
  if (!st.account) return;
  std::vector<interest_change> changes;
  for (auto& sub : st.subs) {
    sub->closed.store(true, std::memory_order_release);
    if (st.account->subscriptions().remove(sub))
      changes.push_back(interest_change{st.account->name(), sub->subject, {}, -1});
  }
  st.subs.clear();
  if (!changes.empty()) self->send(st.config.interest, interest_atom_v, std::move(changes));
}

// Subscribes in the system account for requests to this server and other servers' events.
void subscribe_all(system_pointer self) {
  auto& st = self->state;
  st.account = st.config.context->accounts.system();
  if (!st.account) return;
  auto subjects = system::request_subscriptions(st.identity.id);
  subjects.emplace_back(system::remote_statsz);
  subjects.emplace_back(system::remote_shutdown);
  st.tracks_latency = st.config.context->accounts.tracks_latency();
  if (st.tracks_latency) subjects.emplace_back(st.latency_subject);
  std::vector<interest_change> changes;
  for (size_t i = 0; i < subjects.size(); ++i) {
    auto sub = std::make_shared<subscription>();
    sub->subject = subjects[i];
    sub->sid = std::to_string(i + 1);
    sub->owner = st.owner;
    sub->id = st.config.context->next_subscription_id.fetch_add(1, std::memory_order_relaxed);
    st.account->subscriptions().insert(sub);
    changes.push_back(interest_change{st.account->name(), sub->subject, {}, +1});
    st.subs.push_back(std::move(sub));
  }
  self->send(st.config.interest, interest_atom_v, std::move(changes));
}

// -- events ------------------------------------------------------------------------------------

system::client_view client_of(const client_event& e, const monitor::clock_view& c) {
  const auto& s = *e.stats;
  system::client_view v;
  v.start_ns = c.now_ns - (c.steady_now_ns - s.start_steady_ns.load());
  v.stop_ns = c.now_ns;
  v.host = e.host;
  v.cid = e.cid;
  {
    std::lock_guard<std::mutex> guard{s.mutex};
    v.account = s.account;
    v.user = s.user;
    v.name = s.name;
    v.lang = s.lang;
    v.version = s.version;
  }
  v.rtt_ns = s.rtt_ns;
  v.in_msgs = s.in_msgs;
  v.in_bytes = s.in_bytes;
  v.out_msgs = s.out_msgs;
  v.out_bytes = s.out_bytes;
  v.reason = e.reason;
  return v;
}

system::account_counts counts_of(const account& a) {
  system::account_counts n;
  n.account = a.name();
  n.conns = a.client_connections.load(std::memory_order_relaxed);
  n.leafnodes = a.leafnode_connections.load(std::memory_order_relaxed);
  n.sent_msgs = a.sent_msgs;
  n.sent_bytes = a.sent_bytes;
  n.received_msgs = a.received_msgs;
  n.received_bytes = a.received_bytes;
  n.slow_consumers = a.slow_consumers;
  return n;
}

std::string next_event_id(system_pointer self) {
  auto& rng = self->state.config.rng;
  return system::event_id(rng.next(), rng.next());
}

void account_conns(system_pointer self, const std::string& name) {
  const auto acc = self->state.config.context->accounts.find(name);
  const auto subject = system::account_conns_subject(name);
  const auto old_subject = system::account_conns_subject_old(name);
  if (!acc || (!heard(self, subject) && !heard(self, old_subject))) return;
  const auto c = facts(self);
  const auto id = next_event_id(self);
  const auto counts = counts_of(*acc);
  publish(self, old_subject, {}, system::account_conns_event(header_now(self, c), id, counts));
  publish(self, subject, {}, system::account_conns_event(header_now(self, c), id, counts));
}

// The clock and the client's details (the program's facts read /proc) are taken only when
// someone listens.
void client_changed(system_pointer self, const client_event& e) {
  if (!e.leaf_account.empty()) {
    account_conns(self, e.leaf_account);  // a leafnode: the account's counts only
    return;
  }
  std::string account;
  {
    std::lock_guard<std::mutex> guard{e.stats->mutex};
    account = e.stats->account;
  }
  if (account.empty()) return;
  account_conns(self, account);  // first, as nats-server orders them
  const auto subject =
      e.connected ? system::connect_subject(account) : system::disconnect_subject(account);
  if (!heard(self, subject)) return;
  const auto c = facts(self);
  const auto client = client_of(e, c);
  const auto h = header_now(self, c);
  const auto id = next_event_id(self);
  publish(
      self, subject, {},
      e.connected ? system::connect_event(h, id, client) : system::disconnect_event(h, id, client));
}

int active_servers(system_pointer self) {
  auto& st = self->state;
  const int64_t now = steady_ns(self);
  for (auto it = st.remote_servers.begin(); it != st.remote_servers.end();)
    it = now - it->second > orphan_after_ns ? st.remote_servers.erase(it) : std::next(it);
  return 1 + static_cast<int>(st.remote_servers.size());
}

// -- requests ----------------------------------------------------------------------------------

// Asks the server actor for an endpoint's JSON; the answer comes back as sys_answer.
void query(system_pointer self, const std::string& endpoint, const std::string& q,
           pending_request p) {
  auto& st = self->state;
  if (st.pending.size() >= pending_max) return;
  const uint64_t token = st.next_token++;
  st.pending.emplace(token, std::move(p));
  auto me = system_actor{self};
  net::http_respond respond = [me, token](int status, std::string, std::string body) {
    caf::anon_send(me, sys_answer_atom_v, token, status, std::move(body));
  };
  self->send(st.config.server, sys_query_atom_v, endpoint, q, facts(self), std::move(respond));
}

// The account a request is scoped to goes last: parse_query keeps the last value of a key,
// so no option in the body reaches another account's connections.
std::string with_account(std::string q, const std::string& key, const std::string& account) {
  if (account.empty()) return q;
  return q.empty() ? key + "=" + account : q + "&" + key + "=" + account;
}

void account_statz(system_pointer self, const std::string& reply, const std::string& account) {
  auto& st = self->state;
  std::vector<system::account_counts> list;
  for (const auto& acc : st.config.context->accounts.all()) {
    if (!account.empty() && acc->name() != account) continue;
    if (acc->client_connections.load(std::memory_order_relaxed) == 0) continue;
    list.push_back(counts_of(*acc));
  }
  if (list.empty()) return;  // nats-server answers only for accounts with connections
  const auto c = facts(self);
  publish(self, reply, {},
          system::data_reply(header_now(self, c),
                             system::account_statz_data(st.identity.id, c.now_ns, list)));
}

// Answers an account request (`$SYS.REQ.ACCOUNT.<name>.<kind>`).
void account_request(system_pointer self, const std::string& reply, const system::request& r,
                     const std::string& q) {
  const auto& name = r.account;
  if (!name.empty() && !self->state.config.context->accounts.find(name)) return;
  pending_request p{reply, r};
  switch (r.what) {
    case system::endpoint::connz:
      return query(self, "connz", with_account(q, "acc", name), std::move(p));
    case system::endpoint::subsz:
      return query(self, "subsz", with_account(q.empty() ? "subs=1" : q, "acc", name),
                   std::move(p));
    case system::endpoint::account_info:
      if (name.empty()) return;
      return query(self, "accountz", "acc=" + name, std::move(p));
    case system::endpoint::leafz:
      return query(self, "leafz", q, std::move(p));
    case system::endpoint::account_statz:
      return account_statz(self, reply, name);
    case system::endpoint::jsz: {
      const auto c = facts(self);
      return publish(self, reply, {},
                     system::error_reply(header_now(self, c), 500, "jetstream not enabled", true));
    }
    default:
      return;  // CONNS: nats-server answers other servers' trackers only, never a client
  }
}

const char* endpoint_name(system::endpoint e) {
  switch (e) {
    case system::endpoint::statsz:
      return "statsz";
    case system::endpoint::varz:
      return "varz";
    case system::endpoint::connz:
      return "connz";
    case system::endpoint::routez:
      return "routez";
    case system::endpoint::subsz:
      return "subsz";
    case system::endpoint::accountz:
      return "accountz";
    case system::endpoint::healthz:
      return "healthz";
    case system::endpoint::gatewayz:
      return "gatewayz";
    case system::endpoint::leafz:
      return "leafz";
    case system::endpoint::jsz:
      return "jsz";
    default:
      return "";
  }
}

// -- service latency ---------------------------------------------------------------------------

system::latency_context latency_facts(system_pointer self) {
  const auto c = facts(self);
  const auto& st = self->state;
  return {c.now_ns, c.steady_now_ns, st.identity.name, st.identity.cluster, next_event_id(self)};
}

void publish_latency(system_pointer self, const std::optional<system::latency_message>& m) {
  if (!m) return;
  if (m->account.empty()) return publish(self, m->subject, {}, m->payload);
  if (const auto acc = self->state.config.context->accounts.find(m->account))
    publish(self, m->subject, {}, m->payload, acc);
}

// Measured requests that got no response within their export's threshold: 504, as
// nats-server reports them (checked once a second while some export measures latency;
// nats-server checks once per threshold).
void arm_timeouts(system_pointer self) {
  auto& st = self->state;
  if (st.timeouts_armed || st.stopped || !st.config.context->accounts.tracks_latency()) return;
  st.timeouts_armed = true;
  self->delayed_send(self, timeouts_interval, timeouts_atom_v);
}

void report_timeouts(system_pointer self) {
  auto& st = self->state;
  st.timeouts_armed = false;
  if (st.stopped) return;
  const auto now = std::chrono::duration_cast<duration>(self->clock().now().time_since_epoch());
  for (const auto& acc : st.config.context->accounts.all())
    for (const auto& route : acc->responses().take_timed_out(now))
      publish_latency(self, st.latency.measured(request_result(acc->name(), *route.tracked, 504),
                                                latency_facts(self)));
  arm_timeouts(self);
}

void request_arrived(system_pointer self, const proto::delivered_msg& m) {
  auto& st = self->state;
  if (m.subject == st.latency_subject)
    return publish_latency(self, st.latency.remote_half(m.payload, st.config.context->system_hash,
                                                        latency_facts(self)));
  if (const auto server = system::event_server(m.subject); !server.empty()) {
    if (server == st.identity.id) return;
    if (m.subject.substr(m.subject.size() - 6) == "STATSZ")
      st.remote_servers[std::string{server}] = steady_ns(self);
    else
      st.remote_servers.erase(std::string{server});
    return;
  }
  const auto r = system::parse_request(m.subject, st.identity.id);
  if (!r || m.reply.empty()) return;
  const auto options = system::read_request(m.payload, *r, st.identity);
  const std::string reply{m.reply};
  if (!options.error.empty()) {
    const auto c = facts(self);
    publish(self, reply, {}, system::error_reply(header_now(self, c), 400, options.error, false));
    return;
  }
  if (!options.for_us) return;
  const bool account_level = m.subject.substr(0, 17) == "$SYS.REQ.ACCOUNT.";
  if (account_level) return account_request(self, reply, *r, options.query);
  query(self, endpoint_name(r->what), options.query, pending_request{reply, *r});
}

void answer(system_pointer self, uint64_t token, int status, const std::string& body) {
  auto& st = self->state;
  const auto it = st.pending.find(token);
  if (it == st.pending.end()) return;
  const auto p = std::move(it->second);
  st.pending.erase(it);
  const auto c = facts(self);
  const auto h = header_now(self, c);
  if (status != 200) return publish(self, p.reply, {}, system::error_reply(h, status, body, false));
  if (p.req.what == system::endpoint::statsz)
    return publish(self, p.reply, {}, system::statsz_message(h, body, active_servers(self)));
  if (p.req.what == system::endpoint::account_info)
    return publish(self, p.reply, {}, system::data_reply(h, system::account_detail_of(body)));
  publish(self, p.reply, {}, system::data_reply(h, body));
}

void heartbeat(system_pointer self) {
  auto& st = self->state;
  if (st.stopped) return;
  const auto subject = system::statsz_subject(st.identity.id);
  if (heard(self, subject)) query(self, "statsz", {}, pending_request{subject, {}});
  st.statsz_interval = std::min<caf::timespan>(st.statsz_interval * 2, statsz_max);
  self->delayed_send(self, st.statsz_interval, statsz_timer_atom_v);
}

void deliver(system_pointer self, std::vector<char>& bytes) {
  auto& st = self->state;
  st.owner->in_transit.fetch_sub(static_cast<int64_t>(bytes.size()), std::memory_order_relaxed);
  if (st.stopped) return;
  const std::string_view all{bytes.data(), bytes.size()};
  if (!proto::for_each_msg(all, [&](const proto::delivered_msg& m) { request_arrived(self, m); }))
    st.config.context->log->debugf("system service: a delivery it could not read");
}

bool stop(system_pointer self) {
  auto& st = self->state;
  if (st.stopped) return true;
  const auto subject = system::shutdown_subject(st.identity.id);
  if (heard(self, subject))
    publish(self, subject, {}, system::shutdown_event(header_now(self, facts(self))));
  st.stopped = true;
  st.config.context->set_latency_sink(nullptr);
  unsubscribe_all(self);
  st.owner->gone.store(true, std::memory_order_relaxed);
  return true;
}

system_actor::behavior_type system_behavior(system_pointer self, system_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  const auto& ctx = st.config.context;
  const auto o = ctx->current_options();
  st.identity = system::server_identity{ctx->server_name, o->host, ctx->server_id,
                                        st.config.cluster, server_version};
  st.start_ns = steady_ns(self);
  // No client id of its own: clients keep theirs from 1, as in the clustering guide's logs.
  st.owner = std::make_shared<actor_subscriber<system_actor>>(0, false, system_actor{self});
  st.owner->log_prefix = "system - ";
  st.router = std::make_unique<message_router>(*ctx, st.config.rng);
  st.latency_subject = "$SYS.LATENCY.M2." + ctx->system_hash;
  ctx->set_latency_sink(
      std::make_shared<const latency_sink>([service = system_actor{self}](latency_sample s) {
        caf::anon_send(service, latency_atom_v, std::move(s));
      }));
  subscribe_all(self);
  self->delayed_send(self, st.statsz_interval, statsz_timer_atom_v);
  arm_timeouts(self);
  return {
      [=](deliver_atom, std::vector<char>& bytes, uint64_t) { deliver(self, bytes); },
      [=](expired_atom, uint64_t) {},
      [=](client_event_atom, const client_event& e) {
        if (!self->state.stopped) client_changed(self, e);
      },
      [=](sys_answer_atom, uint64_t token, int status, const std::string& body) {
        if (!self->state.stopped) answer(self, token, status, body);
      },
      [=](statsz_timer_atom) { heartbeat(self); },
      [=](timeouts_atom) { report_timeouts(self); },
      [=](latency_atom, const latency_sample& s) {
        if (!self->state.stopped)
          publish_latency(self, self->state.latency.measured(s, latency_facts(self)));
      },
      [=](reload_atom) {
        auto& s = self->state;
        if (s.stopped) return;
        arm_timeouts(self);
        if (s.account == s.config.context->accounts.system() &&
            s.tracks_latency == s.config.context->accounts.tracks_latency())
          return;
        unsubscribe_all(self);
        subscribe_all(self);
      },
      [=](shutdown_atom) {
        const bool done = stop(self);
        self->quit();
        return done;
      },
  };
}

}  // namespace

system_actor spawn_system_service(caf::actor_system& sys, system_config config) {
  return sys.spawn(system_behavior, std::move(config));
}

}  // namespace gnatsd
