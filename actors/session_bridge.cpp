#include "actors/session_bridge.hpp"

#include <caf/send.hpp>

namespace gnatsd {

void session_events::on_bytes(std::vector<char> data) {
  caf::anon_send(target_, net_bytes_atom_v, std::move(data));
}

void session_events::on_flushed(size_t bytes) {
  caf::anon_send(target_, net_flushed_atom_v, static_cast<uint64_t>(bytes));
}

void session_events::on_closed(std::string reason) {
  caf::anon_send(target_, net_closed_atom_v, std::move(reason));
}

void session_subscriber::deliver(delivery_batch batch) {
  caf::anon_send(target_, deliver_atom_v, std::move(batch.bytes), batch.messages);
}

void session_subscriber::subscription_expired(uint64_t subscription_id) {
  caf::anon_send(target_, expired_atom_v, subscription_id);
}

}  // namespace gnatsd
