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

std::string redacted_url(const std::string& text) {
  const auto scheme = text.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = text.find('@', start);
  if (at == std::string::npos) return text;
  const auto colon = text.find(':', start);
  if (colon == std::string::npos || colon > at) return text;  // a user without a password
  return text.substr(0, colon + 1) + "xxxxx" + text.substr(at);
}

}  // namespace gnatsd
