// How many responses a service export's request may get (nats-server's response types).
#pragma once

namespace gnatsd {

enum class response_type {
  singleton,  // one response, then the reply route is forgotten
  stream,     // any number, until the export's threshold passes
  chunked,    // as stream (one response sent in several messages)
};

}  // namespace gnatsd
