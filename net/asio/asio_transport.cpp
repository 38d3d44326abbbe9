#include "net/asio/asio_transport.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include "net/asio/asio_connection.hpp"
#include "net/asio/http_listener.hpp"
#include "net/asio/tls_context.hpp"

namespace gnatsd::net {

namespace asio = boost::asio;
using asio_impl::asio_connection;
using asio_impl::tls_plan;
using asio_impl::tls_role;

namespace {

// Builds what the connections of one listener or dial share; false (and a message) when the
// certificates do not load.
bool plan_tls(const tls_settings& settings, tls_role role, tls_plan& plan, std::string& error) {
  if (!settings.enabled()) return true;
  plan.context = asio_impl::make_tls_context(settings, role, error);
  plan.when = settings.when;
  plan.role = role;
  plan.timeout = settings.timeout;
  return plan.context != nullptr;
}

std::shared_ptr<asio::ip::tcp::acceptor> open_acceptor(asio::io_context& io,
                                                       const asio::ip::tcp::endpoint& ep,
                                                       bool dual_stack) {
  auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(io);
  acceptor->open(ep.protocol());
  acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true));
  if (dual_stack) acceptor->set_option(asio::ip::v6_only(false));
  acceptor->bind(ep);
  asio_impl::asio_connection::tune_socket(acceptor->native_handle());  // accepted ones inherit
  acceptor->listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

// An IPv6 wildcard acceptor that also takes IPv4 connections; null where IPv6 is missing.
std::shared_ptr<asio::ip::tcp::acceptor> open_dual_stack(asio::io_context& io,
                                                         unsigned short port) {
  try {
    return open_acceptor(io, asio::ip::tcp::endpoint{asio::ip::address_v6::any(), port}, true);
  } catch (const boost::system::system_error&) {
    return nullptr;
  }
}

// One address of an interface that is up, as a URL host ("10.0.0.1", "[fd00::2]").
struct interface_address {
  unsigned index;  // the interface's
  int family;      // AF_INET or AF_INET6
  std::string host;
  // Go's rule for advertising (connect_urls): no loopback; for IPv6 global unicast only.
  bool advertised;
};

bool advertised_ipv6(const in6_addr& b) {
  return !(IN6_IS_ADDR_LOOPBACK(&b) || IN6_IS_ADDR_LINKLOCAL(&b) || IN6_IS_ADDR_MULTICAST(&b) ||
           IN6_IS_ADDR_UNSPECIFIED(&b) || IN6_IS_ADDR_V4MAPPED(&b));
}

// Every address of every interface that is up, in interface order, IPv4 before IPv6 within
// one interface (the order Go's net.Interfaces gives).
std::vector<interface_address> up_interface_addresses() {
  std::vector<interface_address> found;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return found;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0) continue;
    const bool loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    const unsigned index = ::if_nametoindex(i->ifa_name);
    char text[INET6_ADDRSTRLEN];
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if (::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text))
        found.push_back({index, AF_INET, text, !loopback});
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text))
        found.push_back({index, AF_INET6, std::string{"["} + text + "]",
                         !loopback && advertised_ipv6(a->sin6_addr)});
    }
  }
  ::freeifaddrs(list);
  std::stable_sort(found.begin(), found.end(),
                   [](const interface_address& a, const interface_address& b) {
                     return a.index != b.index ? a.index < b.index : a.family < b.family;
                   });
  return found;
}

}  // namespace

// A listener's TLS plan, replaced by a config reload while connections are being accepted.
class listener_tls {
 public:
  explicit listener_tls(tls_plan plan) : plan_(std::move(plan)) {}
  tls_plan get() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return plan_;
  }
  void set(tls_plan plan) {
    std::lock_guard<std::mutex> guard{mutex_};
    plan_ = std::move(plan);
  }

 private:
  mutable std::mutex mutex_;
  tls_plan plan_;
};

// One io_context per actor worker, run by that worker alone (app/reactor_scheduler): its
// handlers never need a strand, and a worker's post to its own context wakes nobody.
struct reactor {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
};

struct asio_transport::impl {
  std::vector<std::unique_ptr<reactor>> reactors;
  std::atomic<size_t> next_reactor{0};
  std::atomic<bool> served{false};  // run_one_for was called: workers run the reactors
  std::list<std::shared_ptr<asio::ip::tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<asio_impl::http_listener>> http;
  std::mutex listener_tls_mutex;
  std::map<int, std::shared_ptr<listener_tls>> tls_by_port;

  // Listeners, resolvers and the monitoring port.
  asio::io_context& main() { return reactors.front()->io; }
  // Connections go round-robin over the reactors.
  asio::io_context& next() { return reactors[next_reactor++ % reactors.size()]->io; }

  void do_accept(std::shared_ptr<asio::ip::tcp::acceptor> acceptor,
                 std::shared_ptr<accept_handler> handler, std::shared_ptr<listener_tls> tls) {
    // Each accepted socket goes to the next reactor; accept reports the peer's address, so
    // no getpeername follows.
    auto peer = std::make_shared<asio::ip::tcp::endpoint>();
    acceptor->async_accept(next(), *peer,
                           [this, acceptor, handler, tls, peer](const boost::system::error_code& ec,
                                                                asio::ip::tcp::socket socket) {
                             if (ec == asio::error::operation_aborted || !acceptor->is_open())
                               return;
                             if (!ec)
                               handler->on_accept(std::make_shared<asio_connection>(
                                   std::move(socket), tls->get(), *peer));
                             do_accept(acceptor, handler, tls);
                           });
  }
};

asio_transport::asio_transport(unsigned reactors) : impl_(std::make_unique<impl>()) {
  for (unsigned i = 0; i < std::max(1u, reactors); ++i)
    impl_->reactors.push_back(std::make_unique<reactor>());
}

asio_transport::~asio_transport() {
  stop();
}

bool asio_transport::listen(const std::string& host, int port, const tls_settings& tls,
                            std::shared_ptr<accept_handler> handler, int& bound_port,
                            std::string& error) {
  tls_plan plan;
  if (!plan_tls(tls, tls_role::server, plan, error)) return false;
  try {
    const auto service = std::to_string(port < 0 ? 0 : port);
    std::shared_ptr<asio::ip::tcp::acceptor> acceptor;
    // 0.0.0.0 takes IPv6 clients too, as nats-server (Go listens dual-stack on a wildcard).
    if (host == "0.0.0.0" || host.empty())
      acceptor = open_dual_stack(impl_->main(), static_cast<unsigned short>(std::stoi(service)));
    if (!acceptor) {
      asio::ip::tcp::resolver resolver{impl_->main()};
      const auto results = resolver.resolve(host, service, asio::ip::tcp::resolver::passive);
      acceptor = open_acceptor(impl_->main(), results.begin()->endpoint(), false);
    }
    bound_port = acceptor->local_endpoint().port();
    impl_->acceptors.push_back(acceptor);
    auto tls_state = std::make_shared<listener_tls>(std::move(plan));
    {
      std::lock_guard<std::mutex> guard{impl_->listener_tls_mutex};
      impl_->tls_by_port[bound_port] = tls_state;
    }
    impl_->do_accept(acceptor, std::move(handler), std::move(tls_state));
    return true;
  } catch (const boost::system::system_error& e) {
    error = e.code().message();
    return false;
  }
}

void asio_transport::dial(const std::string& host, int port, const tls_settings& tls,
                          std::function<void(connection_ptr, std::string)> done) {
  tls_settings client_tls = tls;
  if (client_tls.server_name.empty()) client_tls.server_name = host;
  tls_plan plan;
  std::string error;
  if (!plan_tls(client_tls, tls_role::client, plan, error)) {
    done(nullptr, error);
    return;
  }
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(impl_->main());
  auto socket = std::make_shared<asio::ip::tcp::socket>(impl_->next());
  resolver->async_resolve(
      host, std::to_string(port),
      [resolver, socket, plan, done = std::move(done)](
          const boost::system::error_code& ec, asio::ip::tcp::resolver::results_type results) {
        if (ec) {
          done(nullptr, ec.message());
          return;
        }
        asio::async_connect(*socket, results,
                            [socket, plan, done](const boost::system::error_code& ec2,
                                                 const asio::ip::tcp::endpoint&) {
                              if (ec2) {
                                done(nullptr, ec2.message());
                                return;
                              }
                              done(std::make_shared<asio_connection>(std::move(*socket), plan), {});
                            });
      });
}

bool asio_transport::serve_http(const std::string& host, int port, const tls_settings& tls,
                                http_handler handler, int& bound_port, std::string& error) {
  std::shared_ptr<asio::ssl::context> context;
  if (tls.enabled()) {
    tls_settings https = tls;
    https.verify_peer = false;  // as nats-server: the monitor asks no client certificate
    context = asio_impl::make_tls_context(https, asio_impl::tls_role::server, error);
    if (!context) return false;
  }
  auto listener =
      std::make_shared<asio_impl::http_listener>(impl_->main(), std::move(handler), context);
  if (!listener->listen(host, port, bound_port, error)) return false;
  impl_->http.push_back(std::move(listener));
  return true;
}

void asio_transport::stop_listening(int port) {
  asio::post(impl_->main(), [this, port] {
    auto& all = impl_->acceptors;
    for (auto it = all.begin(); it != all.end();) {
      boost::system::error_code ec;
      const auto ep = (*it)->local_endpoint(ec);
      if (!ec && ep.port() == port) {
        (*it)->close(ec);
        it = all.erase(it);
      } else {
        ++it;
      }
    }
  });
}

bool asio_transport::set_listener_tls(const std::vector<std::pair<int, tls_settings>>& by_port,
                                      std::string& error) {
  // Every context is built (and every port found) before any listener changes.
  std::vector<std::pair<std::shared_ptr<listener_tls>, tls_plan>> changes;
  std::lock_guard<std::mutex> guard{impl_->listener_tls_mutex};
  for (const auto& [port, tls] : by_port) {
    const auto it = impl_->tls_by_port.find(port);
    if (it == impl_->tls_by_port.end()) {
      error = "no listener on port " + std::to_string(port);
      return false;
    }
    tls_plan plan;
    if (!plan_tls(tls, tls_role::server, plan, error)) return false;
    changes.emplace_back(it->second, std::move(plan));
  }
  for (auto& [listener, plan] : changes)
    listener->set(std::move(plan));
  return true;
}

void asio_transport::stop_listening() {
  for (auto& h : impl_->http)
    h->stop();
  asio::post(impl_->main(), [this] {
    for (auto& a : impl_->acceptors) {
      boost::system::error_code ignored;
      a->close(ignored);
    }
    impl_->acceptors.clear();
  });
}

std::vector<std::string> asio_transport::interface_addresses() {
  // connect_urls: IPv4 first, then IPv6, advertisable addresses only.
  auto found = up_interface_addresses();
  std::stable_partition(found.begin(), found.end(),
                        [](const interface_address& a) { return a.family == AF_INET; });
  std::vector<std::string> out;
  for (auto& a : found)
    if (a.advertised) out.push_back(std::move(a.host));
  if (out.empty()) out.emplace_back("127.0.0.1");
  return out;
}

std::vector<std::string> asio_transport::all_interface_addresses() {
  std::vector<std::string> out;
  for (auto& a : up_interface_addresses())
    out.push_back(std::move(a.host));
  if (out.empty()) out.emplace_back("127.0.0.1");
  return out;
}

void asio_transport::stop() {
  // Let queued writes and closes finish (up to two seconds), then stop hard.
  for (auto& r : impl_->reactors)
    r->work.reset();
  const auto all_stopped = [&] {
    for (auto& r : impl_->reactors)
      if (!r->io.stopped()) return false;
    return true;
  };
  for (int i = 0; i < 200 && impl_->served.load() && !all_stopped(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  for (auto& r : impl_->reactors)
    r->io.stop();
}

size_t asio_transport::reactors() const {
  return impl_->reactors.size();
}

bool asio_transport::run_one_for(size_t reactor, std::chrono::microseconds max_wait) {
  if (!impl_->served.load(std::memory_order_relaxed)) impl_->served = true;
  asio_connection::own_reactor(&impl_->reactors[reactor]->io);
  return impl_->reactors[reactor]->io.run_one_for(max_wait) > 0;
}

void asio_transport::poll(size_t reactor) {
  asio_connection::own_reactor(&impl_->reactors[reactor]->io);
  impl_->reactors[reactor]->io.poll();
}

void asio_transport::wake(size_t reactor) {
  asio::post(impl_->reactors[reactor]->io, [] {});
}

bool asio_transport::stopped(size_t reactor) const {
  return impl_->reactors[reactor]->io.stopped();
}

}  // namespace gnatsd::net
