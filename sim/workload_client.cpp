#include "sim/workload_client.hpp"

#include <sstream>

namespace gnatsd::sim {

bool workload_client::connect(sim_network& net, const std::string& host, int port,
                              const std::shared_ptr<workload_client>& self) {
  if (end_) end_->abandon();
  end_ = net.connect_handler("127.0.0.1", host, port, self);
  closed_ = false;
  in_.clear();
  awaiting_ = false;
  broken_ = false;
  if (!end_) return false;
  std::string hello = "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n";
  for (const auto& s : subs_)
    if (s.active)
      hello += "SUB " + s.subject + (s.queue.empty() ? "" : " " + s.queue) + " " + s.sid + "\r\n";
  send(hello);
  return true;
}

void workload_client::abandon() {
  if (end_) end_->abandon();
  end_.reset();
  closed_ = true;
}

std::string workload_client::subscribe(const std::string& subject, const std::string& queue) {
  const std::string sid = std::to_string(subs_.size() + 1);
  subs_.push_back({sid, subject, queue, true});
  send("SUB " + subject + (queue.empty() ? "" : " " + queue) + " " + sid + "\r\n");
  return sid;
}

bool workload_client::unsubscribe(size_t n) {
  std::vector<client_subscription*> active;
  for (auto& s : subs_)
    if (s.active) active.push_back(&s);
  if (active.empty()) return false;
  auto& s = *active[n % active.size()];
  s.active = false;
  send("UNSUB " + s.sid + "\r\n");
  return true;
}

void workload_client::publish(const std::string& subject, const std::string& payload) {
  send("PUB " + subject + " " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n");
}

void workload_client::send(const std::string& text) {
  if (connected()) end_->write({text.begin(), text.end()});
}

void workload_client::on_closed(std::string) {
  closed_ = true;
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

bool workload_client::parse_one() {
  if (awaiting_) {
    if (in_.size() < awaiting_payload_ + 2) return false;
    if (in_.compare(awaiting_payload_, 2, "\r\n") != 0) {
      broken_ = true;
      sink_.on_client_error(*this, "payload not followed by CRLF");
      return false;
    }
    sink_.on_delivery(*this, msg_subject_, msg_sid_,
                      std::string_view{in_}.substr(0, awaiting_payload_));
    in_.erase(0, awaiting_payload_ + 2);
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
  if (line == "PONG" || line == "+OK" || line.rfind("INFO ", 0) == 0) return true;
  if (line.rfind("MSG ", 0) == 0) {
    std::istringstream args{line.substr(4)};
    std::vector<std::string> parts;
    for (std::string p; args >> p;)
      parts.push_back(p);
    if (parts.size() == 3 || parts.size() == 4) {
      msg_subject_ = parts[0];
      msg_sid_ = parts[1];
      awaiting_payload_ = std::stoul(parts.back());
      awaiting_ = true;
      return true;
    }
  }
  broken_ = true;
  sink_.on_client_error(*this, line);
  return false;
}

}  // namespace gnatsd::sim
