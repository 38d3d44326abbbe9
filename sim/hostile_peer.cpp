#include "sim/hostile_peer.hpp"

#include "sim/message_id.hpp"

namespace gnatsd::sim {

void hostile_peer::attack(sim_network& net, const std::string& host, int server, int port,
                          const std::string& route_user, int k) {
  if (conn_ && !conn_->closed()) return;  // the last attack is still being answered
  conn_ = net.connect_client(host, port);
  if (!conn_) return;  // its server is down
  const std::string phantom =
      message_id{1'000'000'000ull + static_cast<uint64_t>(k), server, -1, attacks_ + 1}.encode();
  const std::string size = std::to_string(phantom.size());
  const std::string transcripts[] = {
      "RS+ $G >\r\nPING\r\n",
      "RMSG $G w.a " + size + "\r\n" + phantom + "\r\n",
      "CONNECT {\"user\":\"" + route_user + "\",\"pass\":\"guess\"}\r\nRS+ $G w.>\r\nRMSG $G w.b " +
          size + "\r\n" + phantom + "\r\n",
      "INFO {\"server_id\":\"NHOSTILE\",\"cluster\":\"x\"}\r\nRS+ $G >\r\nPING\r\n",
      "SUB w.a 1\r\nPUB w.a " + size + "\r\n" + phantom + "\r\n",
      "LS+ X $G >\r\nLMSG X $G w.c.d 0 " + size + "\r\n" + phantom + "\r\n",
      "CONNECT {\"verbose\":false}\r\nPING\r\n",
  };
  conn_->send(transcripts[attacks_++ % std::size(transcripts)]);
  ++net.coverage()["hostile peer attacked"];
}

std::string hostile_peer::violation() const {
  if (!conn_) return {};
  const std::string& got = conn_->received();
  size_t at = 0;
  for (size_t eol; (eol = got.find("\r\n", at)) != std::string::npos; at = eol + 2) {
    const std::string line = got.substr(at, eol - at);
    const bool greeting = at == 0 && line.rfind("INFO ", 0) == 0;
    // A gateway port answers a CONNECT without a gateway name with this (and closes).
    if (greeting || line == "PING" || line == "-ERR 'Authorization Violation'" ||
        line == "-ERR 'Authentication Timeout'" ||
        line == "-ERR 'attempted to connect to gateway port'")
      continue;
    return "hostile peer: an unauthenticated peer received \"" + line.substr(0, 80) + "\"";
  }
  return {};
}

}  // namespace gnatsd::sim
