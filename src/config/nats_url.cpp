#include "config/nats_url.hpp"

namespace gnatsd {

bool parse_nats_url(const std::string& text, nats_url& out) {
  std::string rest = text;
  const auto scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  while (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  const auto at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    out.user = userinfo.substr(0, colon);
    out.pass = colon == std::string::npos ? std::string{} : userinfo.substr(colon + 1);
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out.host = rest.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  out.port = std::stoi(port);
  return true;
}

}  // namespace gnatsd
