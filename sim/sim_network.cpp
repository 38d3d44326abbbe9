#include "sim/sim_network.hpp"

#include <algorithm>

#include "util/assert.hpp"

namespace gnatsd::sim {

// -- sim_end ------------------------------------------------------------------------------------

sim_end::sim_end(sim_network& net, uint64_t id, net::endpoint local, net::endpoint remote)
    : net_(net), id_(id), local_(std::move(local)), remote_(std::move(remote)) {}

void sim_end::start(std::shared_ptr<net::connection_handler> handler, int initial_credits,
                    net::connection_timers timers) {
  GNATSD_ASSERT(handler != nullptr);
  handler_ = std::move(handler);
  credits_ = initial_credits;
  timers_ = timers;
  if (timers.first_ping.count() > 0)
    net_.schedule_timer(*this, net::timer_kind::ping, timers.first_ping);
  if (timers.auth_timeout.count() > 0)
    net_.schedule_timer(*this, net::timer_kind::auth, timers.auth_timeout);
  net_.arm_write_check(*this);
}

void sim_end::set_timers(net::connection_timers timers) {
  if (closed_) return;
  const bool had_ping = timers_.ping_interval.count() > 0;
  timers_.ping_interval = timers.ping_interval;
  timers_.write_check = timers.write_check;
  if (had_ping && timers.ping_interval.count() > 0) {
    ++ping_generation_;  // the ping already scheduled is replaced
    net_.schedule_timer(*this, net::timer_kind::ping, timers.ping_interval);
  }
}

void sim_end::write(std::vector<char> bytes) {
  if (closed_ || bytes.empty()) return;
  net_.transmit(*this, std::move(bytes));
}

void sim_end::greet(std::vector<char> bytes) {
  if (closed_ || bytes.empty()) return;
  unreported_ += bytes.size();
  net_.transmit(*this, std::move(bytes));
}

void sim_end::resume_reading(std::vector<char>) {
  // Simulated chunks are fresh vectors cut from the stream; there is nothing to recycle.
  ++credits_;
}

void sim_end::close(bool flush) {
  // With flush the peer reads what is in flight, then EOF; without, it sees a reset.
  if (closed_) return;
  if (auto peer = peer_.lock(); peer && peer->dead_)
    ++net_.coverage_["half-open connection closed"];
  closed_ = true;
  ready_.clear();
  net_.schedule_close(*this, flush);
}

void sim_end::abandon() {
  closed_ = true;
  close_notified_ = true;
  ready_.clear();
  handler_.reset();
}

size_t sim_end::unread_bytes() const {
  size_t n = 0;
  for (const auto& c : ready_)
    n += c.bytes.size();
  return n;
}

size_t sim_end::outbound_backlog() const {
  size_t n = in_network_;
  for (const auto& q : send_queue_)
    n += q.size();
  return n - queue_offset_;
}

// -- sim_client ---------------------------------------------------------------------------------

void sim_client::on_bytes(std::vector<char> data) {
  received_.append(data.data(), data.size());
  if (reading_) end_->resume_reading({});
}

void sim_client::on_closed(std::string) {
  closed_ = true;
}

void sim_client::send(const std::string& bytes) {
  end_->write({bytes.begin(), bytes.end()});
}

std::string sim_client::take() {
  std::string out;
  out.swap(received_);
  return out;
}

// -- sim_host -----------------------------------------------------------------------------------

class sim_host final : public net::transport {
 public:
  sim_host(sim_network& net, std::string address) : net_(net), address_(std::move(address)) {}

  bool listen(const std::string& host, int port, const net::tls_settings& tls,
              std::shared_ptr<net::accept_handler> handler, int& bound_port,
              std::string& error) override {
    (void)host;  // a simulated host listens on its own address, whatever it binds to
    if (tls.enabled()) {
      error = "TLS is not simulated";
      return false;
    }
    if (net_.host_down(address_)) {
      error = "host is down";
      return false;
    }
    bound_port = port <= 0 ? net_.next_ephemeral_port_++ : port;
    const std::string key = address_ + ":" + std::to_string(bound_port);
    if (net_.listeners_.count(key) != 0) {
      error = "address already in use";
      return false;
    }
    net_.listeners_[key] = std::move(handler);
    keys_.push_back(key);
    return true;
  }

  void dial(const std::string& host, int port, const net::tls_settings& tls,
            std::function<void(net::connection_ptr, std::string)> done) override {
    if (tls.enabled()) {
      done(nullptr, "TLS is not simulated");
      return;
    }
    net_.dial(address_, host, port, std::move(done));
  }

  std::vector<std::string> interface_addresses() override { return {address_}; }

  bool set_listener_tls(const std::vector<std::pair<int, net::tls_settings>>& by_port,
                        std::string& error) override {
    for (const auto& [port, tls] : by_port)
      if (tls.enabled()) {
        error = "TLS is not simulated";
        return false;
      }
    return true;
  }

  void stop_listening() override {
    for (const auto& k : keys_)
      net_.listeners_.erase(k);
    keys_.clear();
  }

  void stop_listening(int port) override {
    const std::string key = address_ + ":" + std::to_string(port);
    net_.listeners_.erase(key);
    keys_.erase(std::remove(keys_.begin(), keys_.end(), key), keys_.end());
  }

 private:
  sim_network& net_;
  std::string address_;
  std::vector<std::string> keys_;
};

// -- sim_network --------------------------------------------------------------------------------

sim_network::sim_network(prng rng, std::function<int64_t()> now, network_profile profile)
    : rng_(rng), now_(std::move(now)), profile_(profile) {}

std::unique_ptr<net::transport> sim_network::host(std::string address) {
  return std::make_unique<sim_host>(*this, std::move(address));
}

std::pair<std::shared_ptr<sim_end>, std::shared_ptr<sim_end>> sim_network::make_pipe(
    const net::endpoint& client, const net::endpoint& server) {
  auto a = std::make_shared<sim_end>(*this, next_end_id_++, client, server);
  auto b = std::make_shared<sim_end>(*this, next_end_id_++, server, client);
  a->peer_ = b;
  b->peer_ = a;
  a->latency_ns_ = b->latency_ns_ = latency();
  ends_.push_back(a);
  ends_.push_back(b);
  return {a, b};
}

std::shared_ptr<sim_end> sim_network::connect_handler(
    const std::string& from, const std::string& host, int port,
    std::shared_ptr<net::connection_handler> handler) {
  const auto it = listeners_.find(host + ":" + std::to_string(port));
  if (it == listeners_.end()) return nullptr;
  auto [mine, theirs] = make_pipe({from, next_ephemeral_port_++}, {host, port});
  mine->start(std::move(handler), 1, {});
  if (observer_) observer_->on_connected(*mine, *theirs);
  it->second->on_accept(theirs);
  return mine;
}

std::shared_ptr<sim_client> sim_network::connect_client(const std::string& host, int port) {
  auto client = std::make_shared<sim_client>();
  client->end_ = connect_handler("127.0.0.1", host, port, client);
  return client->end_ ? client : nullptr;
}

void sim_network::dial(const std::string& from, const std::string& host, int port,
                       std::function<void(net::connection_ptr, std::string)> done) {
  // The attempt takes a network round trip, sometimes seconds (a lost SYN is retransmitted).
  int64_t delay = 2 * latency();
  if (profile_.slow_dial_percent > 0 &&
      static_cast<int>(rng_.below(100)) < profile_.slow_dial_percent) {
    delay += (1 + static_cast<int64_t>(rng_.below(2000))) * 1'000'000;
    ++coverage_["slow dial"];
  }
  auto attempt = [this, from, host, port, done = std::move(done)] {
    if (host_down(from)) return;  // the dialling process is gone
    const auto it = listeners_.find(host + ":" + std::to_string(port));
    if (it == listeners_.end() || crosses_partition(from, host)) {
      ++coverage_["dial refused"];
      done(nullptr, "connection refused");
      return;
    }
    auto [mine, theirs] = make_pipe({from, next_ephemeral_port_++}, {host, port});
    if (observer_) observer_->on_connected(*mine, *theirs);
    it->second->on_accept(theirs);
    done(mine, {});
  };
  events_.emplace(std::make_pair(now_() + delay, sequence_++),
                  event{event_kind::dial, {}, {}, {}, std::move(attempt)});
}

int64_t sim_network::latency() {
  const int64_t span = profile_.latency_max_ns - profile_.latency_min_ns;
  return profile_.latency_min_ns +
         static_cast<int64_t>(rng_.below(static_cast<uint64_t>(span) + 1));
}

int64_t sim_network::arrival_time(sim_end& to) {
  // Monotone per direction: a TCP stream never lets later bytes overtake earlier ones.
  const int64_t jitter =
      static_cast<int64_t>(rng_.below(static_cast<uint64_t>(to.latency_ns_ / 4) + 1));
  to.last_arrival_ns_ = std::max(to.last_arrival_ns_, now_() + to.latency_ns_ + jitter);
  return to.last_arrival_ns_;
}

void sim_network::transmit(sim_end& from, std::vector<char> bytes) {
  auto to = from.peer_.lock();
  if (to && to->dead_ && !host_down(to->local_.host)) {
    // The peer's host crashed and booted again: it answers with a reset.
    ++coverage_["reset from a rebooted host"];
    from.close(false);
    return;
  }
  if (!to || to->closed_) return;
  from.send_queue_.push_back(std::move(bytes));
  pump(from);
  arm_write_check(from);
}

void sim_network::schedule_timer(sim_end& end, net::timer_kind kind,
                                 std::chrono::nanoseconds after) {
  event ev{event_kind::timer, end.weak_from_this(), {}, {}};
  ev.timer = kind;
  ev.generation = end.ping_generation_;
  events_.emplace(std::make_pair(now_() + after.count(), sequence_++), std::move(ev));
}

void sim_network::arm_write_check(sim_end& end) {
  if (end.write_check_armed_ || end.timers_.write_check.count() <= 0 || !end.handler_ ||
      end.outbound_backlog() == 0)
    return;
  end.write_check_armed_ = true;
  schedule_timer(end, net::timer_kind::write_check, end.timers_.write_check);
}

void sim_network::fire_timer(sim_end& end, const event& ev) {
  if (ev.timer == net::timer_kind::write_check) end.write_check_armed_ = false;
  if (end.closed_ || end.dead_ || !end.handler_) return;
  switch (ev.timer) {
    case net::timer_kind::ping:
      if (ev.generation != end.ping_generation_) return;  // replaced by set_timers
      end.handler_->on_timer(net::timer_kind::ping);
      if (end.handler_ && end.timers_.ping_interval.count() > 0)
        schedule_timer(end, net::timer_kind::ping, end.timers_.ping_interval);
      break;
    case net::timer_kind::auth:
      end.handler_->on_timer(net::timer_kind::auth);
      break;
    case net::timer_kind::write_check:
      // Ticks while the peer has not read everything written (the writer's socket queue).
      if (end.outbound_backlog() == 0) return;
      end.handler_->on_timer(net::timer_kind::write_check);
      arm_write_check(end);
      break;
  }
}

// Sends what the peer's window allows from the writer's queue; a graceful close waiting
// behind the queue goes out once it is empty.
void sim_network::pump(sim_end& from) {
  auto to = from.peer_.lock();
  if (!to || to->closed_ || to->dead_) {
    from.send_queue_.clear();
    from.queue_offset_ = 0;
    from.fin_after_queue_ = false;
    return;
  }
  while (!from.send_queue_.empty() && from.in_network_ < profile_.window_bytes) {
    auto& front = from.send_queue_.front();
    const size_t room = profile_.window_bytes - from.in_network_;
    const size_t rest = front.size() - from.queue_offset_;
    std::vector<char> piece;
    if (from.queue_offset_ == 0 && rest <= room) {
      piece = std::move(front);
    } else {
      const size_t n = std::min(rest, room);
      const auto begin = front.begin() + static_cast<std::ptrdiff_t>(from.queue_offset_);
      piece.assign(begin, begin + static_cast<std::ptrdiff_t>(n));
      from.queue_offset_ += n;
      if (n < rest) ++coverage_["write waited for the receive window"];
    }
    if (from.queue_offset_ == 0 || from.queue_offset_ == front.size()) {
      from.send_queue_.pop_front();
      from.queue_offset_ = 0;
    }
    from.in_network_ += piece.size();
    send_pieces(*to, from, std::move(piece));
  }
  if (from.send_queue_.empty() && from.fin_after_queue_) {
    from.fin_after_queue_ = false;
    events_.emplace(std::make_pair(arrival_time(*to), sequence_++),
                    event{event_kind::peer_finished, to, {}, {}});
  }
}

void sim_network::send_pieces(sim_end& to, sim_end& from, std::vector<char> bytes) {
  // Cut the write into random pieces; each arrives separately, so the reader sees splits at
  // arbitrary byte offsets (and, when several are ready at once, coalesced reads).
  const size_t pieces = 1 + static_cast<size_t>(rng_.below(profile_.max_chunks_per_write));
  std::vector<size_t> cuts;
  for (size_t i = 1; i < pieces && bytes.size() > 1; ++i)
    cuts.push_back(1 + static_cast<size_t>(rng_.below(bytes.size() - 1)));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  cuts.push_back(bytes.size());
  size_t start = 0;
  for (size_t cut : cuts) {
    event ev{event_kind::arrive,
             to.weak_from_this(),
             {bytes.begin() + static_cast<std::ptrdiff_t>(start),
              bytes.begin() + static_cast<std::ptrdiff_t>(cut)},
             from.weak_from_this()};
    events_.emplace(std::make_pair(arrival_time(to), sequence_++), std::move(ev));
    start = cut;
  }
}

void sim_network::schedule_close(sim_end& from, bool graceful) {
  // The closing end learns at once; the peer after its in-flight bytes have arrived (and,
  // for a graceful close, after the send queue: the FIN waits for the window like data).
  events_.emplace(std::make_pair(now_(), sequence_++),
                  event{event_kind::closed, from.weak_from_this(), {}, {}});
  auto to = from.peer_.lock();
  if (!to) return;
  if (graceful && !from.send_queue_.empty()) {
    from.fin_after_queue_ = true;
    lingering_.push_back(from.shared_from_this());  // the queue outlives its owner's handle
    return;
  }
  from.send_queue_.clear();
  from.queue_offset_ = 0;
  events_.emplace(std::make_pair(arrival_time(*to), sequence_++),
                  event{graceful ? event_kind::peer_finished : event_kind::closed, to, {}, {}});
}

int64_t sim_network::next_event_ns() const {
  int64_t next =
      events_.empty() ? std::numeric_limits<int64_t>::max() : events_.begin()->first.first;
  if (read_modes_.empty()) return next;
  // A slow reader reads again at its own pace, whether or not anything else happens.
  for (const auto& e : ends_)
    if (auto end = e.lock();
        end && !end->ready_.empty() && end->credits_ > 0 && end->next_read_ns_ > 0)
      next = std::min(next, end->next_read_ns_);
  return next;
}

bool sim_network::deliver_due(int64_t now_ns) {
  bool progress = false;
  while (!events_.empty() && events_.begin()->first.first <= now_ns) {
    auto node = events_.extract(events_.begin());
    event& ev = node.mapped();
    progress = true;
    if (ev.kind == event_kind::dial) {
      ev.action();
      continue;
    }
    auto to = ev.to.lock();
    if (!to || to->dead_) continue;
    if (ev.kind == event_kind::timer) {
      fire_timer(*to, ev);
      continue;
    }
    // Bytes and graceful closes wait at a cut (a reset is let through, like a stray RST).
    if (ev.kind != event_kind::closed && crosses_partition(to->local_.host, to->remote_.host)) {
      held_.push_back(std::move(ev));  // the link is cut: these bytes wait for the heal
      continue;
    }
    switch (ev.kind) {
      case event_kind::arrive:
        if (!to->closed_) to->ready_.push_back(sim_end::chunk{std::move(ev.bytes), ev.writer});
        break;
      case event_kind::closed:
        notify_closed(*to);
        break;
      case event_kind::peer_finished:
        to->peer_finished_ = true;
        break;
      case event_kind::dial:  // handled above
      case event_kind::timer:
        break;
    }
  }
  return hand_over_ready(now_ns) || progress;
}

void sim_network::notify_closed(sim_end& end) {
  if (end.close_notified_) return;
  end.close_notified_ = true;
  end.closed_ = true;
  end.ready_.clear();
  if (auto h = std::move(end.handler_)) h->on_closed("connection closed");
}

void sim_network::set_read_mode(const std::string& host, read_mode mode) {
  if (mode == read_mode::normal) {
    read_modes_.erase(host);
  } else {
    read_modes_[host] = mode;
    ++coverage_[mode == read_mode::stuck ? "stuck reader" : "slow reader"];
  }
  for (const auto& e : ends_)
    if (auto end = e.lock(); end && end->local_.host == host) end->next_read_ns_ = 0;
}

// Whether `end` reads now, and how much at most (a stuck host reads nothing, a slow one a
// little once a millisecond).
bool sim_network::can_read(sim_end& end, int64_t now_ns, size_t& budget) {
  const auto mode = read_modes_.find(end.local_.host);
  if (mode == read_modes_.end()) return true;
  if (mode->second == read_mode::stuck) return false;
  if (now_ns < end.next_read_ns_) return false;
  end.next_read_ns_ = now_ns + 1'000'000;
  budget = std::min(budget, profile_.slow_read_bytes);
  return true;
}

bool sim_network::hand_over_ready(int64_t now_ns) {
  bool progress = false;
  for (size_t i = 0; i < ends_.size(); ++i) {
    auto end = ends_[i].lock();
    if (!end) continue;
    if (end->peer_finished_ && end->ready_.empty() && !end->close_notified_) {
      // Everything sent before the peer's close has been read: now the reader sees EOF.
      notify_closed(*end);
      progress = true;
      continue;
    }
    if (end->closed_ || !end->handler_ || end->credits_ <= 0 || end->ready_.empty()) continue;
    // Coalesce what has arrived into one read, like a socket read would, up to a read size
    // that is usually the maximum and sometimes small (short reads happen on real sockets).
    size_t budget = profile_.read_size_max;
    if (rng_.below(4) == 0) budget = 1 + static_cast<size_t>(rng_.below(budget));
    if (!can_read(*end, now_ns, budget)) continue;
    std::vector<char> data;
    std::vector<std::pair<std::weak_ptr<sim_end>, size_t>> flushed;
    while (!end->ready_.empty() && budget > 0) {
      auto& c = end->ready_.front();
      const size_t take = std::min(budget, c.bytes.size());
      data.insert(data.end(), c.bytes.begin(), c.bytes.begin() + static_cast<std::ptrdiff_t>(take));
      flushed.emplace_back(c.writer, take);
      budget -= take;
      if (take == c.bytes.size()) {
        end->ready_.pop_front();
      } else {
        c.bytes.erase(c.bytes.begin(), c.bytes.begin() + static_cast<std::ptrdiff_t>(take));
      }
    }
    --end->credits_;
    if (observer_) observer_->on_read(*end, data);
    end->handler_->on_bytes(std::move(data));
    for (auto& [writer, n] : flushed) {
      auto w = writer.lock();
      if (!w) continue;
      w->in_network_ -= std::min(w->in_network_, n);  // the window opens again
      pump(*w);
      const size_t greeting = std::min(n, w->unreported_);
      w->unreported_ -= greeting;
      if (w->handler_ && n > greeting) w->handler_->on_flushed(n - greeting);
    }
    progress = true;
  }
  // Ends closed with bytes queued are let go once their FIN is on its way.
  lingering_.erase(
      std::remove_if(lingering_.begin(), lingering_.end(),
                     [](const std::shared_ptr<sim_end>& e) { return !e->fin_after_queue_; }),
      lingering_.end());
  // Forget ends that are gone so the vector does not grow without bound.
  ends_.erase(std::remove_if(ends_.begin(), ends_.end(),
                             [](const std::weak_ptr<sim_end>& e) { return e.expired(); }),
              ends_.end());
  return progress;
}

void sim_network::for_each_end(const std::function<void(const sim_end&)>& f) const {
  for (const auto& e : ends_)
    if (auto end = e.lock(); end && !end->closed_) f(*end);
}

void sim_network::reset_connections(const std::string& host) {
  for (const auto& e : ends_)
    if (auto end = e.lock(); end && !end->closed_ && end->local_.host == host) end->close(false);
}

size_t sim_network::open_connections_between(const std::string& a, const std::string& b) const {
  size_t n = 0;
  for (const auto& e : ends_) {
    auto end = e.lock();
    // Count each connection once, from the end on host `a`.
    if (end && !end->closed_ && end->local_.host == a && end->remote_.host == b) ++n;
  }
  return n;
}

size_t sim_network::open_connections_to(const std::string& from, const std::string& to,
                                        int port) const {
  size_t n = 0;
  for (const auto& e : ends_) {
    auto end = e.lock();
    if (end && !end->closed_ && end->local_.host == from && end->remote_.host == to &&
        end->remote_.port == port)
      ++n;
  }
  return n;
}

size_t sim_network::open_connections() const {
  size_t n = 0;
  for (const auto& e : ends_)
    if (auto end = e.lock(); end && !end->closed_) ++n;
  return n / 2 + n % 2;
}

}  // namespace gnatsd::sim
