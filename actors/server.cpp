#include "actors/server.hpp"

#include <caf/all.hpp>
#include <map>
#include <mutex>

#include "actors/client_session.hpp"
#include "actors/sublist_actor.hpp"
#include "util/prng.hpp"

namespace gnatsd {
namespace {

struct server_state {
  server_context_ptr context;
  sublist_actor interest;
  prng rng;
  uint64_t next_cid = 1;
  std::map<uint64_t, session_actor> sessions;
  bool shutting_down = false;
};

using server_pointer = server_actor::stateful_pointer<server_state>;

server_actor::behavior_type server_behavior(server_pointer self, server_context_ptr context,
                                            sublist_actor interest, uint64_t seed) {
  self->state.context = std::move(context);
  self->state.interest = std::move(interest);
  self->state.rng = prng{seed};
  return {
      [=](accepted_atom, net::connection_ptr& conn) {
        auto& st = self->state;
        if (st.shutting_down) {
          conn->close(false);
          return;
        }
        session_config cfg;
        cfg.context = st.context;
        cfg.connection = std::move(conn);
        cfg.cid = st.next_cid++;
        cfg.rng = st.rng.fork();
        cfg.server = server_actor{self};
        cfg.interest = st.interest;
        cfg.over_connection_limit =
            st.sessions.size() >= static_cast<size_t>(st.context->options.max_connections);
        const uint64_t cid = cfg.cid;
        st.context->counters.total_connections.fetch_add(1, std::memory_order_relaxed);
        st.sessions.emplace(cid, spawn_client_session(self->system(), std::move(cfg)));
      },
      [=](session_closed_atom, uint64_t cid) {
        auto& st = self->state;
        st.sessions.erase(cid);
        if (st.shutting_down && st.sessions.empty()) {
          self->send(st.interest, shutdown_atom_v);
          self->quit();
        }
      },
      [=](stats_atom) { return static_cast<uint64_t>(self->state.sessions.size()); },
      [=](shutdown_atom) {
        auto& st = self->state;
        if (st.shutting_down) return;
        st.shutting_down = true;
        for (auto& [cid, session] : st.sessions)
          self->send(session, shutdown_atom_v);
        if (st.sessions.empty()) {
          self->send(st.interest, shutdown_atom_v);
          self->quit();
        }
      },
  };
}

// Forwards accepted connections to the server actor. The listener starts accepting before
// the actor exists (the actor's context needs the bound port), so connections accepted in
// between are held until the target is set.
class server_acceptor final : public net::accept_handler {
 public:
  void on_accept(net::connection_ptr conn) override {
    std::lock_guard<std::mutex> guard{mutex_};
    if (target_) {
      caf::anon_send(target_, accepted_atom_v, std::move(conn));
    } else {
      early_.push_back(std::move(conn));
    }
  }
  void set_target(server_actor target) {
    std::lock_guard<std::mutex> guard{mutex_};
    target_ = std::move(target);
    for (auto& conn : early_)
      caf::anon_send(target_, accepted_atom_v, std::move(conn));
    early_.clear();
  }

 private:
  std::mutex mutex_;
  server_actor target_;
  std::vector<net::connection_ptr> early_;
};

}  // namespace

bool start_server(caf::actor_system& sys, net::transport& transport, server_options options,
                  logger_ptr log, uint64_t seed, running_server& out, std::string& error) {
  prng rng{seed};
  auto ctx = std::make_shared<server_context>();
  ctx->options = std::move(options);
  ctx->log = std::move(log);
  ctx->server_id = generate_server_id(rng);
  ctx->server_name = ctx->options.server_name.empty() ? ctx->server_id : ctx->options.server_name;
  auto& o = ctx->options;
  ctx->log->info("Starting gnatsd");
  ctx->log->info(std::string{"  Version:  "} + server_version);
  ctx->log->info("  ID:       " + ctx->server_id);
  if (!o.config_file.empty()) ctx->log->info("Using configuration file: " + o.config_file);

  auto interest = spawn_sublist_actor(sys, ctx);
  auto fwd = std::make_shared<server_acceptor>();
  int bound = 0;
  if (!transport.listen(o.host, o.port, fwd, bound, error)) {
    error = "Error listening on port: " + o.host + ":" + std::to_string(o.port) + ", " + error;
    caf::anon_send(interest, shutdown_atom_v);
    return false;
  }
  o.port = bound;
  auto actor = sys.spawn(server_behavior, ctx, interest, rng.next());
  fwd->set_target(actor);
  ctx->log->info("Listening for client connections on " + o.host + ":" + std::to_string(bound));
  ctx->log->debugf("server id is " + ctx->server_id);
  ctx->log->info("server is ready");
  out = running_server{actor, interest, ctx, bound};
  return true;
}

}  // namespace gnatsd
