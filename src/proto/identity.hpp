// The names and versions gnatsd speaks under, defined once: what nats-server 2.9.10 reports,
// so that clients, tools and nats-server peers treat gnatsd as the version it is compatible
// with.
#pragma once

#include <string_view>

namespace gnatsd {

/// The protocol version gnatsd implements (INFO "version", /varz, the startup banner).
inline constexpr const char* server_version = "2.9.10";
/// nats-server reports the Go version it was built with; some tools print it.
inline constexpr const char* go_version = "go1.19.8";
/// The account every connection belongs to without accounts configured (RS+/RMSG name it).
inline constexpr std::string_view global_account = "$G";

}  // namespace gnatsd
