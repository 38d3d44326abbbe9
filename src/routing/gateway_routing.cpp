// The message router's gateway rules (message_router.hpp): routed replies straight back to
// the cluster that asked, "_GR_." replies on requests that leave the cluster, and queue
// groups served by another cluster when this one has no member.
#include "proto/route_encoder.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {

bool message_router::send_routed_reply(const proto::message_view& m, const message_origin& origin) {
  const auto gateways = ctx_.outbound_gateways();
  const std::string_view cluster = gateway_reply::cluster_hash(m.subject);
  for (const auto& g : *gateways) {
    if (g.cluster_hash != cluster) continue;
    forward(g.sub, origin.acc->name(), m);
    return true;
  }
  return false;  // not a cluster we are connected to: nats-server drops it too
}

std::string_view message_router::gateway_reply_for(const proto::message_view& m,
                                                   const message_origin& origin) {
  if (gateway_reply::is_routed(m.reply) || ctx_.gateway_reply_prefix.empty()) return m.reply;
  // Only a reply someone subscribed to lately needs the routed form: older interest has
  // reached the other clusters already.
  if (!ctx_.recent_subs.matches(origin.acc, m.reply, now_.count())) return m.reply;
  routed_reply_ = ctx_.gateway_reply_prefix;
  routed_reply_.append(m.reply);
  return routed_reply_;
}

void message_router::forward(const std::shared_ptr<subscriber>& to, std::string_view account,
                             const proto::message_view& m) {
  static const std::vector<std::string_view> no_queues;
  proto::append_routed_message(batch_for_owner(to), account, m, no_queues);
}

void message_router::trust_gateways(const account& acc, std::string_view subject) {
  trusted_ = ctx_.outbound_gateways();  // target_for keeps a pointer into it
  for (const auto& g : *trusted_)
    if (g.optimistic && g.optimistic->wants(acc.name(), subject)) target_for(g.sentinel);
}

bool message_router::serve_group_remotely(const queue_group& group, const message_origin& origin) {
  // A message from another server of this cluster or another cluster never leaves again.
  if (origin.from_route || origin.from_gateway) return false;
  for (const auto& m : group.members) {
    if (!m->owner->is_gateway() || m->closed.load(std::memory_order_acquire)) continue;
    target_for(m).queues.push_back(group.name);
    return true;
  }
  return false;
}

}  // namespace gnatsd
