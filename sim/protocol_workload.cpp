#include "sim/protocol_workload.hpp"

#include <algorithm>

namespace gnatsd::sim {
namespace {

constexpr const char* responders_queue = "workers";
constexpr const char* service_subjects = "svc.*";

bool is_request(const received_message& m) {
  return !m.reply.empty() && m.subject.rfind("svc.", 0) == 0;
}

}  // namespace

protocol_workload::protocol_workload(std::vector<std::shared_ptr<workload_client>>& clients,
                                     invariant_checker& checker, publish_fn publish,
                                     linked_fn linked, std::function<uint64_t()> last_message)
    : clients_(clients),
      checker_(checker),
      publish_(std::move(publish)),
      linked_(std::move(linked)),
      last_message_(std::move(last_message)) {}

void protocol_workload::start(workload_client& c, bool responder) {
  c.inbox();
  if (responder) {
    c.subscribe(service_subjects, responders_queue);
    c.pin_last();  // the plan's UNSUB ops leave responders alone
    c.on_message = [this](workload_client& self, const received_message& m) { answer(self, m); };
  }
}

// A responder answers every request on its queue subscription with a fresh message to the
// reply subject; the checker learns which request it answers.
void protocol_workload::answer(workload_client& responder, const received_message& m) {
  if (!is_request(m)) return;
  message_id request;
  if (!message_id::decode(m.payload, request)) return;  // the checker reports the phantom
  const auto reply = publish_(responder, std::string{m.reply}, {}, false);
  checker_.replied(reply.id, request.id);
}

void protocol_workload::request(workload_client& c, const std::string& subject) {
  publish_(c, subject, c.inbox() + "." + std::to_string(++probes_), false);
}

// Another connected client on `c`'s server, in `c`'s account (a publisher whose messages
// `c`'s subscriptions can receive).
workload_client* protocol_workload::neighbour(const workload_client& c) const {
  for (auto& other : clients_)
    if (other.get() != &c && other->home() == c.home() && other->connected() &&
        same_account(*other, c))
      return other.get();
  return nullptr;
}

bool protocol_workload::same_account(const workload_client& a, const workload_client& b) const {
  return checker_.account_of(a.index()) == checker_.account_of(b.index());
}

std::string protocol_workload::fresh_subject(const workload_client& c) {
  return "p." + std::to_string(c.index()) + "." + std::to_string(++probes_);
}

void protocol_workload::flush_sub(workload_client& c) {
  if (!c.connected()) return;
  const std::string subject = fresh_subject(c);
  const std::string sid = c.subscribe_pinned(subject);
  const int epoch = c.epoch();
  c.flush([this, &c, subject, sid, epoch] {
    workload_client* y = neighbour(c);
    if (y == nullptr) return;
    const auto id = publish_(*y, subject, {}, false);
    sub_probes_.push_back({c.index(), epoch, sid, y->index(), y->epoch(), id.id});
    checker_.covered("flush barrier probed after SUB");
  });
}

void protocol_workload::flush_unsub(workload_client& c) {
  if (!c.connected()) return;
  const std::string subject = fresh_subject(c);
  const std::string sid = c.subscribe_pinned(subject);
  c.unsubscribe_sid(sid);
  c.flush([this, &c, subject, sid] {
    if (auto* s = c.subscription(sid)) s->gone_after_message = last_message_();
    checker_.covered("flush barrier probed after UNSUB");
    if (workload_client* y = neighbour(c)) publish_(*y, subject, {}, false);
    for (auto& other : clients_)
      if (other->home() != c.home() && other->connected() && same_account(*other, c)) {
        publish_(*other, subject, {}, false);
        break;
      }
  });
}

void protocol_workload::check_probes() {
  for (const auto& p : sub_probes_) {
    const auto& x = *clients_[static_cast<size_t>(p.subscriber)];
    const auto& y = *clients_[static_cast<size_t>(p.publisher)];
    if (x.epoch() != p.subscriber_epoch || y.epoch() != p.publisher_epoch) continue;
    const auto& got = checker_.deliveries_of(p.message);
    const auto n = std::count(got.begin(), got.end(), std::make_pair(p.subscriber, p.sid));
    if (n != 1)
      checker_.fail("flush: client " + std::to_string(p.subscriber) + " sid " + p.sid + " got " +
                    std::to_string(n) + " copies of m" + std::to_string(p.message) +
                    ", published on its server after the PONG that confirmed its SUB");
  }
}

void protocol_workload::calm_requests() {
  calm_requests_.clear();
  for (auto& c : clients_)
    if (c->connected()) {
      const auto id = publish_(*c, "svc.calm", c->inbox() + "." + std::to_string(++probes_), false);
      calm_requests_.push_back({c->index(), id.id});
    }
}

// Exactly one reply when a responder of the requester's account is reachable (its queue
// group serves each request once, and its reply travels back over the route the request came
// by), none otherwise.
void protocol_workload::check_calm_requests() {
  for (const auto& r : calm_requests_) {
    const auto& requester = *clients_[static_cast<size_t>(r.requester)];
    bool reachable = false;
    for (const auto& c : clients_) {
      // A requester with echo off does not hear its own request.
      if (c.get() == &requester && !requester.options().echo) continue;
      for (const auto& s : c->subscriptions())
        if (s.active && s.queue == responders_queue && c->connected() &&
            linked_(requester.home(), c->home()) && same_account(*c, requester))
          reachable = true;
    }
    const int replies = checker_.replies_to(r.message);
    if (replies != (reachable ? 1 : 0))
      checker_.fail("calm request/reply: client " + std::to_string(r.requester) + " got " +
                    std::to_string(replies) + " replies to m" + std::to_string(r.message) +
                    (reachable ? "" : " (no responder reachable)"));
  }
}

}  // namespace gnatsd::sim
