#include "sim/workload_client.hpp"

#include <sstream>

namespace gnatsd::sim {

client_subscription* workload_client::subscription(std::string_view sid) {
  for (auto& s : subs_)
    if (s.sid == sid) return &s;
  return nullptr;
}

// A subscription as (re-)sent: SUB, and the rest of its limit (the server counts from the
// SUB, so after a reconnect only what is left of it).
std::string workload_client::sub_line(client_subscription& s) {
  std::string line =
      "SUB " + s.subject + (s.queue.empty() ? "" : " " + s.queue) + " " + s.sid + "\r\n";
  s.counted_from = s.received;
  s.limit_confirmed_after = 0;
  if (s.max > 0) line += "UNSUB " + s.sid + " " + std::to_string(s.max - s.received) + "\r\n";
  return line;
}

bool workload_client::connect(sim_network& net, const std::string& host, int port,
                              const std::shared_ptr<workload_client>& self) {
  if (end_) end_->abandon();
  end_ = net.connect_handler("127.0.0.1", host, port, self);
  closed_ = false;
  in_.clear();
  awaiting_ = false;
  broken_ = false;
  pongs_.clear();  // a lost connection's PONGs never come
  ++epoch_;
  if (!end_) return false;
  std::string hello = std::string{"CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,"} +
                      "\"headers\":" + (options_.headers ? "true" : "false") +
                      ",\"echo\":" + (options_.echo ? "true" : "false") + ",\"user\":\"" +
                      options_.user + "\",\"pass\":\"" + options_.user + "\"}\r\n";
  for (auto& s : subs_)
    if (s.active) hello += sub_line(s);
  send(hello);
  return true;
}

void workload_client::abandon() {
  if (end_) end_->abandon();
  end_.reset();
  closed_ = true;
  pongs_.clear();
}

std::string workload_client::subscribe(const std::string& subject, const std::string& queue) {
  client_subscription s{std::to_string(subs_.size() + 1), subject, queue};
  send(sub_line(s));
  subs_.push_back(std::move(s));
  return subs_.back().sid;
}

std::string workload_client::unsubscribe(size_t n) {
  std::vector<client_subscription*> active;
  for (auto& s : subs_)
    if (s.active && !s.pinned) active.push_back(&s);
  if (active.empty()) return {};
  auto& s = *active[n % active.size()];
  s.active = false;
  send("UNSUB " + s.sid + "\r\n");
  return s.sid;
}

bool workload_client::auto_unsubscribe(size_t n, int64_t more) {
  // Only subscriptions without a limit: raising one races with the server reaching the old
  // limit first (then the subscription is gone whatever the new one says), which the client
  // cannot tell apart.
  std::vector<client_subscription*> active;
  for (auto& s : subs_)
    if (s.active && !s.pinned && s.max == 0) active.push_back(&s);
  if (active.empty()) return false;
  auto& s = *active[n % active.size()];
  s.max = s.received + more;
  s.limit_confirmed_after = 0;
  send("UNSUB " + s.sid + " " + std::to_string(s.max - s.counted_from) + "\r\n");
  flush([this, sid = s.sid] {
    if (auto* confirmed = subscription(sid))
      confirmed->limit_confirmed_after = sink_.last_published();
  });
  return true;
}

void workload_client::publish(const std::string& subject, const std::string& payload,
                              const std::string& reply, const std::string& header) {
  const std::string rep = reply.empty() ? "" : reply + " ";
  if (header.empty()) {
    send("PUB " + subject + " " + rep + std::to_string(payload.size()) + "\r\n" + payload + "\r\n");
    return;
  }
  send("HPUB " + subject + " " + rep + std::to_string(header.size()) + " " +
       std::to_string(header.size() + payload.size()) + "\r\n" + header + payload + "\r\n");
}

std::string workload_client::inbox() {
  if (inbox_.empty()) {
    inbox_ = "_INBOX.c" + std::to_string(index_);
    subscribe_pinned(inbox_ + ".*");
  }
  return inbox_;
}

std::string workload_client::subscribe_pinned(const std::string& subject) {
  const std::string sid = subscribe(subject, {});
  subs_.back().pinned = true;
  return sid;
}

void workload_client::unsubscribe_sid(const std::string& sid) {
  if (auto* s = subscription(sid); s && s->active) {
    s->active = false;
    send("UNSUB " + sid + "\r\n");
  }
}

void workload_client::flush(std::function<void()> on_pong) {
  if (!connected()) return;
  pongs_.push_back(std::move(on_pong));
  send("PING\r\n");
}

void workload_client::send(const std::string& text) {
  if (connected()) end_->write({text.begin(), text.end()});
}

void workload_client::on_closed(std::string) {
  closed_ = true;
  pongs_.clear();
  if (on_lost) on_lost(*this);
}

void workload_client::on_bytes(std::vector<char> data) {
  in_.append(data.data(), data.size());
  while (!broken_ && parse_one()) {
  }
  // A read that ended inside a control line: the server's framing was split by the network.
  if (!in_.empty() && !awaiting_) ++coverage_["client read split a control line"];
  if (connected()) end_->resume_reading({});
}

void workload_client::deliver() {
  const std::string_view body{in_.data(), awaiting_total_};
  received_message m;
  m.subject = msg_subject_;
  m.sid = msg_sid_;
  m.reply = msg_reply_;
  m.hmsg = awaiting_hmsg_;
  m.header = body.substr(0, awaiting_header_);
  m.payload = body.substr(awaiting_header_);
  if (auto* s = subscription(msg_sid_)) {
    ++s->received;
    // The client's side of an auto-unsubscribe: the limit reached, the subscription is over.
    if (s->max > 0 && s->received >= s->max) s->active = false;
  }
  sink_.on_delivery(*this, m);
  if (on_message) on_message(*this, m);
}

bool workload_client::parse_one() {
  if (awaiting_) {
    if (in_.size() < awaiting_total_ + 2) return false;
    if (in_.compare(awaiting_total_, 2, "\r\n") != 0) {
      broken_ = true;
      sink_.on_client_error(*this, "payload not followed by CRLF");
      return false;
    }
    deliver();
    in_.erase(0, awaiting_total_ + 2);
    awaiting_ = false;
    return true;
  }
  const size_t eol = in_.find("\r\n");
  if (eol == std::string::npos) return false;
  const std::string line = in_.substr(0, eol);
  in_.erase(0, eol + 2);
  if (line == "PING") {
    send("PONG\r\n");
    return true;
  }
  if (line == "PONG") {
    if (!pongs_.empty()) {
      auto done = std::move(pongs_.front());
      pongs_.pop_front();
      done();
    }
    return true;
  }
  if (line == "+OK" || line.rfind("INFO ", 0) == 0) return true;
  if (parse_msg_line(line)) return true;
  broken_ = true;
  sink_.on_client_error(*this, line);
  return false;
}

// MSG <subject> <sid> [reply] <#bytes> or HMSG <subject> <sid> [reply] <#hdr> <#total>.
bool workload_client::parse_msg_line(const std::string& line) {
  const bool hmsg = line.rfind("HMSG ", 0) == 0;
  if (!hmsg && line.rfind("MSG ", 0) != 0) return false;
  std::istringstream args{line.substr(hmsg ? 5 : 4)};
  std::vector<std::string> parts;
  for (std::string p; args >> p;)
    parts.push_back(p);
  const size_t sizes = hmsg ? 2 : 1;
  if (parts.size() != 2 + sizes && parts.size() != 3 + sizes) return false;
  msg_subject_ = parts[0];
  msg_sid_ = parts[1];
  msg_reply_ = parts.size() == 3 + sizes ? parts[2] : "";
  awaiting_total_ = std::stoul(parts.back());
  awaiting_header_ = hmsg ? std::stoul(parts[parts.size() - 2]) : 0;
  awaiting_hmsg_ = hmsg;
  if (awaiting_header_ > awaiting_total_) return false;
  awaiting_ = true;
  return true;
}

}  // namespace gnatsd::sim
