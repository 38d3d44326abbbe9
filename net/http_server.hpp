// The monitoring HTTP listener interface: a request target in, a status and a body out.
// `respond` may be called from any thread, once, after the handler has returned.
#pragma once

#include <functional>
#include <string>

namespace gnatsd::net {

using http_respond = std::function<void(int status, std::string content_type, std::string body)>;
using http_handler = std::function<void(const std::string& target, http_respond respond)>;

}  // namespace gnatsd::net
