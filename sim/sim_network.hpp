// The simulated network: in-memory TCP streams implementing net::transport, driven by the
// simulation loop rather than by threads.
//
// It models streams, not packets: bytes written on one end arrive at the other in order, cut
// into randomly sized chunks at randomly increasing virtual times (per-connection FIFO, with
// reordering only across connections). A TCP receive window bounds what a writer has in
// the network: past `window_bytes` not yet read by the peer, further writes wait in the
// writer's send queue (a full socket buffer) until the peer reads. A writer's bytes count as
// flushed only when the reader has consumed them, so a peer that stops reading makes the
// writer's pending bytes grow. Nothing is delivered from inside `write` or `dial`: the loop
// calls `deliver_due`.
//
// Faults: resets (both ends learn, at different times), cuts between pairs of hosts (bytes
// held at the cut, dials refused; `partition` cuts every pair across a side), host crashes
// (the host's ends vanish without a word, so their peers are left half-open until their
// keepalive gives up; a write that reaches a revived host is answered with a reset), slow
// dials (a connect that takes seconds, as with a lost SYN), and stuck or slow readers (a
// host that stops reading its sockets, or reads a little now and then: a stopped or
// overloaded process, as its peers see it).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "net/transport.hpp"
#include "util/prng.hpp"

namespace gnatsd::sim {

class sim_network;

/// Latency and chunking of simulated connections, in virtual nanoseconds. Each connection
/// draws a base latency in [min, max]; each piece of a write adds up to a quarter of it.
struct network_profile {
  int64_t latency_min_ns = 50'000;
  int64_t latency_max_ns = 500'000;
  size_t max_chunks_per_write = 4;   // a write is cut into 1..max pieces
  size_t read_size_max = 64 * 1024;  // one read hands over at most this many bytes
  int slow_dial_percent = 0;         // share of dials that take 1-3 s to complete
  size_t window_bytes = 256 * 1024;  // a connection's receive window, each direction
  size_t slow_read_bytes = 2048;     // what a slow reader takes per read, once a millisecond
};

/// How a host reads its sockets: normally, not at all, or a little at a time.
enum class read_mode { normal, stuck, slow };

/// Named counters of interesting things that happened (coverage of the fault space).
using coverage_counters = std::map<std::string, uint64_t>;

/// Observes traffic for invariant checks; called synchronously by the network.
class network_observer {
 public:
  virtual ~network_observer() = default;
  /// A connection was established: `dialer` dialled the listener that `acceptor` belongs to.
  virtual void on_connected(const class sim_end& dialer, const class sim_end& acceptor) = 0;
  /// `to` reads `data` (one read, as the handler gets it).
  virtual void on_read(const class sim_end& to, const std::vector<char>& data) = 0;
};

/// One end of a simulated connection.
class sim_end final : public net::connection, public std::enable_shared_from_this<sim_end> {
 public:
  sim_end(sim_network& net, uint64_t id, net::endpoint local, net::endpoint remote);

  void start(std::shared_ptr<net::connection_handler> handler, int initial_credits,
             net::connection_timers timers) override;
  void set_timers(net::connection_timers timers) override;
  void write(std::vector<char> bytes) override;
  void greet(std::vector<char> bytes) override;
  void resume_reading(std::vector<char> spent) override;
  void close(bool flush) override;
  const net::endpoint& remote() const override { return remote_; }
  const net::endpoint& local() const override { return local_; }

  uint64_t id() const { return id_; }
  bool closed() const { return closed_; }
  /// Bytes that arrived but were not yet handed to the handler (no read credit).
  size_t unread_bytes() const;
  /// Bytes written on this end that the peer has not read yet: in the network (within the
  /// window) plus the send queue behind it.
  size_t outbound_backlog() const;
  /// The owner forgets this end without closing it (a client whose server vanished gives up
  /// on the connection); nothing is sent and nothing more is read.
  void abandon();

 private:
  friend class sim_network;

  struct chunk {
    std::vector<char> bytes;
    std::weak_ptr<sim_end> writer;
  };

  sim_network& net_;
  uint64_t id_;
  net::endpoint local_, remote_;
  std::weak_ptr<sim_end> peer_;
  std::shared_ptr<net::connection_handler> handler_;
  int credits_ = 0;
  std::deque<chunk> ready_;                   // arrived, waiting for a read credit
  std::deque<std::vector<char>> send_queue_;  // written, waiting for the peer's window
  size_t queue_offset_ = 0;                   // bytes of send_queue_.front() already sent
  size_t in_network_ = 0;                     // sent within the window, not yet read by the peer
  bool fin_after_queue_ = false;              // closed gracefully: the FIN follows the send queue
  int64_t next_read_ns_ = 0;                  // a slow reader's next read
  net::connection_timers timers_;
  uint64_t ping_generation_ = 0;  // pings scheduled under an older one are stale
  bool write_check_armed_ = false;
  size_t unreported_ = 0;        // greeting bytes the reader has not taken: not reported flushed
  int64_t last_arrival_ns_ = 0;  // keeps this direction's deliveries monotone
  int64_t latency_ns_ = 0;       // this connection's base latency (both directions)
  bool closed_ = false;          // this end closed itself, or learned the peer is gone
  bool peer_finished_ = false;   // the peer closed: deliver what arrived, then report closed
  bool close_notified_ = false;
  bool dead_ = false;  // its host crashed: it neither sends nor reads nor tells anyone
};

/// A test-side client end: collects what the server sends and always has read credit.
class sim_client final : public net::connection_handler {
 public:
  void on_bytes(std::vector<char> data) override;
  void on_flushed(size_t) override {}
  void on_closed(std::string reason) override;

  void send(const std::string& bytes);
  /// Everything received so far.
  const std::string& received() const { return received_; }
  /// Removes and returns everything received so far.
  std::string take();
  /// Removes the first `n` received bytes.
  void consume(size_t n) { received_.erase(0, n); }
  bool closed() const { return closed_; }
  /// Stops returning read credits (a client that stops reading, for slow-consumer tests).
  void stop_reading() { reading_ = false; }
  void close() { end_->close(false); }

 private:
  friend class sim_network;
  std::shared_ptr<sim_end> end_;
  std::string received_;
  bool closed_ = false;
  bool reading_ = true;
};

class sim_network {
 public:
  sim_network(prng rng, std::function<int64_t()> now, network_profile profile = {});

  /// A transport bound to one simulated host address.
  std::unique_ptr<net::transport> host(std::string address);

  /// Connects a test client to host:port; null if nothing listens there.
  std::shared_ptr<sim_client> connect_client(const std::string& host, int port);
  /// Connects `handler` (a simulated client on host `from`) to host:port at once; null if
  /// nothing listens there. The handler gets one read credit per read it returns.
  std::shared_ptr<sim_end> connect_handler(const std::string& from, const std::string& host,
                                           int port,
                                           std::shared_ptr<net::connection_handler> handler);

  /// The virtual time of the next pending event, or max() when idle.
  int64_t next_event_ns() const;
  /// Applies every event due at `now_ns` and hands readable bytes to handlers that have
  /// read credit. Returns true if anything happened.
  bool deliver_due(int64_t now_ns);

  size_t open_connections() const;
  /// Open connections between simulated hosts `a` and `b`, whichever side dialled (each
  /// connection is counted once, by its end on `a`).
  size_t open_connections_between(const std::string& a, const std::string& b) const;
  /// Open connections host `from` dialled to host `to` at `port`.
  size_t open_connections_to(const std::string& from, const std::string& to, int port) const;

  /// Fault: resets every open connection with an end on simulated host `host` (both ends
  /// see the reset; bytes in flight are lost).
  void reset_connections(const std::string& host);

  /// Fault: cuts the link between hosts `a` and `b`. Bytes crossing the cut are held (the
  /// connections stall, as on a real network, until keepalives give up) and dials across it
  /// are refused. `restore` lifts one cut; when no fault cuts the link any more, what was
  /// held arrives, in order.
  void cut(const std::string& a, const std::string& b);
  void restore(const std::string& a, const std::string& b);
  /// Cuts (or, with `restore_links`, restores) every link between a host in `side` and one
  /// of `all` outside it.
  void partition(const std::set<std::string>& side, const std::vector<std::string>& all,
                 bool restore_links = false);
  /// Restores every cut link.
  void heal();
  bool crosses_partition(const std::string& a, const std::string& b) const;
  /// Pairs of hosts whose link was cut and later restored (consumed by the caller).
  std::set<std::pair<std::string, std::string>>& restored_links() { return restored_; }

  /// Fault: the host crashes. Its ends vanish silently (peers stay half-open), its
  /// listeners go away, its dials and writes go nowhere. `revive` lets it boot again.
  void crash_host(const std::string& host);
  void revive_host(const std::string& host);
  bool host_down(const std::string& host) const { return down_.count(host) != 0; }

  /// Fault: how the sockets of `host` are read from now on (stuck: not at all, slow: a
  /// little each millisecond; bytes then wait in the network and in their writers' queues).
  void set_read_mode(const std::string& host, read_mode mode);

  void set_observer(network_observer* observer) { observer_ = observer; }
  coverage_counters& coverage() { return coverage_; }
  /// Calls `f(end)` for every open end, in creation order.
  void for_each_end(const std::function<void(const sim_end&)>& f) const;

 private:
  friend class sim_end;
  friend class sim_host;

  // arrive: bytes reach an end; closed: an end learns of its own close, or of the peer's
  // abortive close (a reset: unread bytes are lost); peer_finished: the peer's graceful close
  // reaches an end after the bytes sent before it (a TCP FIN).
  // dial: a connection attempt reaches the listener (or is refused).
  // timer: one of an end's connection_timers fires.
  enum class event_kind { arrive, closed, peer_finished, dial, timer };
  struct event {
    event_kind kind;
    std::weak_ptr<sim_end> to;
    std::vector<char> bytes;
    std::weak_ptr<sim_end> writer;
    std::function<void()> action = {};  // dial: completes the attempt
    net::timer_kind timer = net::timer_kind::ping;
    uint64_t generation = 0;  // ping timers: the end's ping generation when scheduled
  };

  std::pair<std::shared_ptr<sim_end>, std::shared_ptr<sim_end>> make_pipe(
      const net::endpoint& client, const net::endpoint& server);
  void transmit(sim_end& from, std::vector<char> bytes);
  void pump(sim_end& from);
  void send_pieces(sim_end& to, sim_end& from, std::vector<char> bytes);
  void schedule_close(sim_end& from, bool graceful);
  int64_t arrival_time(sim_end& to);
  int64_t latency();
  void dial(const std::string& from, const std::string& host, int port,
            std::function<void(net::connection_ptr, std::string)> done);
  static std::pair<std::string, std::string> link(const std::string& a, const std::string& b);
  bool hand_over_ready(int64_t now_ns);
  void schedule_timer(sim_end& end, net::timer_kind kind, std::chrono::nanoseconds after);
  void arm_write_check(sim_end& end);
  void fire_timer(sim_end& end, const event& ev);
  bool can_read(sim_end& end, int64_t now_ns, size_t& budget);
  static void notify_closed(sim_end& end);

  prng rng_;
  std::function<int64_t()> now_;
  network_profile profile_;
  // (time, sequence) -> event; the sequence keeps equal-time events in scheduling order.
  std::map<std::pair<int64_t, uint64_t>, event> events_;
  uint64_t sequence_ = 0;
  uint64_t next_end_id_ = 1;
  int next_ephemeral_port_ = 40000;
  std::map<std::string, std::shared_ptr<net::accept_handler>> listeners_;  // "host:port"
  std::vector<std::weak_ptr<sim_end>> ends_;  // creation order, for deterministic iteration
  std::map<std::pair<std::string, std::string>, int> cuts_;  // (smaller, larger) -> faults
  std::set<std::pair<std::string, std::string>> restored_;   // cut, then restored
  std::vector<event> held_;                                  // arrivals held at cuts, in order
  std::set<std::string> down_;                               // crashed hosts
  std::vector<std::shared_ptr<sim_end>> dead_ends_;  // of crashed hosts, kept for their peers
  // Ends closed gracefully with bytes still queued: kept until the queue and FIN are sent.
  std::vector<std::shared_ptr<sim_end>> lingering_;
  std::map<std::string, read_mode> read_modes_;  // hosts that do not read normally
  network_observer* observer_ = nullptr;
  coverage_counters coverage_;
};

}  // namespace gnatsd::sim
