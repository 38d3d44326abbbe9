// The message router's part of accounts: what happens when a message matches an internal
// subscription (accounts/account.hpp). A request on a service import goes on to the exporting
// account under the export's subject, with a reply subject of the exporter's that leads its
// response back; a response on that reply subject goes back to the importer under the
// requester's own reply subject.
#include "accounts/account.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {
namespace {

// A message crossing accounts may cross again (an import of an import); a config whose
// imports loop back is refused, and this bound stops what slips through (importing from
// oneself is allowed by nats-server).
constexpr int max_crossings = 8;

// nats-server stamps each request that crosses a service import with the requester's account
// (and its round-trip time, which gnatsd does not measure: 0).
std::string request_headers(const proto::message_view& m, const std::string& account) {
  const std::string info = "Nats-Request-Info: {\"acc\":\"" + account + "\",\"rtt\":0}\r\n";
  if (!m.headers) return "NATS/1.0\r\n" + info + "\r\n";
  const std::string_view block = m.message.substr(0, m.header_size);
  const auto status_end = block.find("\r\n");
  if (status_end == std::string_view::npos) return "NATS/1.0\r\n" + info + "\r\n";
  return std::string{block.substr(0, status_end + 2)} + info +
         std::string{block.substr(status_end + 2)};
}

}  // namespace

void message_router::cross_accounts(const subscription& internal, const proto::message_view& m,
                                    const message_origin& origin) {
  if (crossing_depth_ >= max_crossings) return;
  ++crossing_depth_;
  if (internal.service_import)
    forward_request(*internal.service_import, m, origin);
  else if (internal.responses_of != nullptr)
    forward_response(*internal.responses_of, m, origin);
  --crossing_depth_;
}

void message_router::forward_request(const service_import_rule& rule, const proto::message_view& m,
                                     const message_origin& origin) {
  const account_ptr exporter = rule.exporter.lock();
  if (!exporter) return;
  const std::string subject = rule.mapping.backward(m.subject);
  std::string reply;
  if (!m.reply.empty())
    reply = exporter->responses().add(origin.acc->weak_from_this(), std::string{m.reply},
                                      rule.response, now_, rule.threshold);
  const std::string headers = request_headers(m, origin.acc->name());
  const std::string message = headers + std::string{m.payload()};
  message_origin there = origin;
  there.acc = exporter.get();
  route({subject, reply, true, headers.size(), message}, there);
}

void message_router::forward_response(account& exporter, const proto::message_view& m,
                                      const message_origin& origin) {
  const auto back = exporter.responses().take(m.subject, now_);
  if (!back) return;  // answered already (a singleton), expired, or never asked here
  const account_ptr importer = back->importer.lock();
  if (!importer) return;
  message_origin there = origin;
  there.acc = importer.get();
  proto::message_view response = m;
  response.subject = back->reply;
  route(response, there);
}

}  // namespace gnatsd
