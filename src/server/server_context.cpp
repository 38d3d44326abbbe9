#include "server/server_context.hpp"

#include "auth/nkey.hpp"

#include "util/prng.hpp"

namespace gnatsd {

proto::server_info server_context::client_info_template(bool tls) const {
  proto::server_info info;
  info.server_id = server_id;
  info.server_name = server_name;
  info.version = server_version;
  const auto options = current_options();
  info.host = options->host;
  info.port = options->port;
  info.headers = true;
  info.max_payload = current_limits()->max_payload;
  info.proto = 1;
  info.auth_required = current_auth()->required();
  info.tls_required = tls;
  info.tls_verify = tls && current_tls()->verify;
  info.connect_urls = connect_urls();
  info.ldm = lame_duck.load(std::memory_order_acquire);
  return info;
}

void server_context::set_connect_urls(std::vector<std::string> urls) {
  std::lock_guard<std::mutex> guard{urls_mutex_};
  connect_urls_ = std::move(urls);
  info_generation_.fetch_add(1, std::memory_order_release);
}

std::string server_context::client_info(uint64_t cid, const std::string& ip, bool tls) const {
  const uint64_t generation = info_generation_.load(std::memory_order_acquire);
  const bool ldm = lame_duck.load(std::memory_order_acquire);
  std::string prefix;
  {
    std::lock_guard<std::mutex> guard{info_mutex_};
    auto& cached = info_cache_[tls ? 1 : 0];
    if (cached.generation != generation || cached.ldm != ldm) {
      proto::server_info info = client_info_template(tls);
      if (current_options()->cluster.no_advertise) info.connect_urls.clear();
      cached.prefix = proto::encode_info_prefix(info);
      cached.generation = generation;
      cached.ldm = ldm;
    }
    prefix = cached.prefix;
  }
  // With nkey users, every client gets a nonce to sign (derived from its cid: the session
  // that checks the signature computes the same one).
  const std::string nonce = nkeys_configured() ? nonce_for(cid) : std::string{};
  return proto::finish_info(prefix, cid, ip, nonce);
}

std::string server_context::nonce_for(uint64_t cid) const {
  return nkey::nonce_for(nonce_key, cid);
}

std::vector<std::string> server_context::connect_urls() const {
  std::lock_guard<std::mutex> guard{urls_mutex_};
  return connect_urls_;
}

std::string generate_server_id(prng& rng) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "N";
  for (int i = 0; i < 55; ++i)
    id += alphabet[rng.below(32)];
  return id;
}

}  // namespace gnatsd

namespace gnatsd {

void server_context::set_route_by_hash(const std::string& hash, std::shared_ptr<subscriber> route) {
  std::lock_guard<std::mutex> guard{routes_by_hash_mutex_};
  routes_by_hash_[hash] = std::move(route);
}

void server_context::remove_route_by_hash(const std::string& hash, const subscriber* route) {
  std::lock_guard<std::mutex> guard{routes_by_hash_mutex_};
  auto it = routes_by_hash_.find(hash);
  if (it != routes_by_hash_.end() && it->second.get() == route) routes_by_hash_.erase(it);
}

std::shared_ptr<subscriber> server_context::route_by_hash(std::string_view hash) const {
  std::lock_guard<std::mutex> guard{routes_by_hash_mutex_};
  auto it = routes_by_hash_.find(hash);
  return it == routes_by_hash_.end() ? nullptr : it->second;
}

}  // namespace gnatsd
