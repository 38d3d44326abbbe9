// The message router's leafnode rules (message_router.hpp, nats-server 2.9's
// processMsgResults): who of the leafnodes may take a message, and how a destination's frame
// is encoded (RMSG, LMSG with the leafnode origin for routes, LMSG/HMSG for leafnodes).
#include "proto/route_encoder.hpp"
#include "routing/message_router.hpp"

namespace gnatsd {
namespace {

// A reply to a service import request ("_R_."): nats-server lets it reach a leafnode from a
// route even when we are not that leafnode's hub.
bool service_reply(std::string_view subject) {
  return subject.substr(0, 4) == "_R_.";
}

}  // namespace

bool message_router::leaf_may_take(const subscription& sub, const proto::message_view& m,
                                   const message_origin& origin) const {
  const subscriber& owner = *sub.owner;
  if (&owner == origin.self || sub.closed.load(std::memory_order_acquire)) return false;
  const leaf_peer* peer = owner.leaf.get();
  if (peer == nullptr) return false;
  // From a route only to a leafnode we are the hub of: a hub we dialled hears each server of
  // our cluster over its own connection.
  if (origin.from_route && peer->spoke && !service_reply(m.subject)) return false;
  // Cluster-wide no echo: a leaf cluster never gets its own messages back.
  if (!origin.leaf_origin.empty() && origin.leaf_origin == peer->remote_cluster) return false;
  return peer->may_send(m.subject);
}

void message_router::append_for_target(const route_target& t, const proto::message_view& m,
                                       const message_origin& origin, account& acc) {
  const subscriber& owner = *(*t.any_sub)->owner;
  std::vector<char>& out = batch_for(*t.any_sub);
  if (owner.is_leaf()) {
    proto::append_leaf_message(out, m, t.queues, owner.headers.load(std::memory_order_acquire));
    return;
  }
  // A route hears where a leafnode's message entered the cluster, so that no server sends it
  // back to that leaf cluster.
  if (owner.is_route() && origin.from_leaf != nullptr && !origin.leaf_origin.empty()) {
    proto::append_origin_message(out, origin.leaf_origin, acc.name(), m, t.queues);
    return;
  }
  proto::append_routed_message(out, acc.name(), m, t.queues);
}

}  // namespace gnatsd
