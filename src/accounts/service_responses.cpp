#include "accounts/service_responses.hpp"

namespace gnatsd {
namespace {

std::string base62(uint64_t n) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;  // at least six characters, as nats-server's reply tokens
  do {
    out += digits[n % 62];
    n /= 62;
  } while (n != 0 || out.size() < 6);
  return out;
}

}  // namespace

latency_sample request_result(const std::string& exporter, const tracked_request& t, int status) {
  latency_sample s;
  s.account = exporter;
  s.subject = t.latency->subject;
  s.status = status;
  s.error = status == 400   ? "Bad Request"
            : status == 503 ? "Service Unavailable"
            : status == 504 ? "Service Timeout"
                            : "";
  s.requester = t.requester;
  s.trace_headers = t.trace_headers;
  s.request_ns = t.request_ns;
  return s;
}

void service_responses::set_prefix(std::string prefix) {
  std::lock_guard<std::mutex> guard{mutex_};
  prefix_ = std::move(prefix);
}

std::string service_responses::prefix() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return prefix_;
}

std::string service_responses::add(std::weak_ptr<account> importer, std::string reply,
                                   response_type type, duration now, duration threshold,
                                   std::optional<tracked_request> tracked, std::string_view hash) {
  std::lock_guard<std::mutex> guard{mutex_};
  expire(now);
  std::string subject = prefix_ + base62(next_id_++);
  if (tracked) subject.append(".").append(hash).append(".T");
  const duration expires = now + threshold;
  entries_[subject] = entry{
      response_route{std::move(importer), std::move(reply), std::move(tracked)}, type, expires};
  order_.emplace_back(expires, subject);
  while (entries_.size() > capacity_ && !order_.empty()) {
    entries_.erase(order_.front().second);
    order_.pop_front();
  }
  return subject;
}

std::optional<response_route> service_responses::take(std::string_view subject, duration now) {
  std::lock_guard<std::mutex> guard{mutex_};
  expire(now);
  const auto it = entries_.find(std::string{subject});
  if (it == entries_.end()) return std::nullopt;
  response_route route = it->second.route;
  if (it->second.type == response_type::singleton) entries_.erase(it);
  return route;
}

std::optional<response_route> service_responses::forget(std::string_view subject) {
  std::lock_guard<std::mutex> guard{mutex_};
  const auto it = entries_.find(std::string{subject});
  if (it == entries_.end()) return std::nullopt;
  response_route route = std::move(it->second.route);
  entries_.erase(it);
  return route;
}

std::vector<response_route> service_responses::take_timed_out(duration now) {
  std::lock_guard<std::mutex> guard{mutex_};
  expire(now);
  std::vector<response_route> out;
  out.swap(timed_out_);
  return out;
}

size_t service_responses::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return entries_.size();
}

void service_responses::expire(duration now) {
  // Thresholds differ per export, so the queue is not sorted by expiry: stop at the first
  // entry still alive (the rest go when they reach the front; a bound, not a precise timer).
  while (!order_.empty() && order_.front().first <= now) {
    const auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && it->second.expires <= now) {
      if (it->second.route.tracked && timed_out_.size() < capacity_)
        timed_out_.push_back(std::move(it->second.route));
      entries_.erase(it);
    }
    order_.pop_front();
  }
  // Entries taken already leave stale queue items; drop those from the front too.
  while (!order_.empty() && entries_.count(order_.front().second) == 0)
    order_.pop_front();
}

}  // namespace gnatsd
