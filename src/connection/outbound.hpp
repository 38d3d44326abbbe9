// What a connection has to write, in order: protocol replies being built in a buffer, and
// sealed chunks (delivery batches from other connections are moved in whole, not copied).
// Shared by client and route connections; the actor hands `take()` to the socket.
#pragma once

#include <string_view>
#include <vector>

namespace gnatsd {

class outbound {
 public:
  /// The buffer replies are appended to (the router appends self-deliveries here too).
  std::vector<char>& buffer() { return buffer_; }
  void append(std::string_view bytes) { buffer_.insert(buffer_.end(), bytes.begin(), bytes.end()); }

  /// Queues `chunk` after everything appended so far.
  void push_chunk(std::vector<char> chunk) {
    seal();
    chunks_.push_back(std::move(chunk));
  }

  /// Everything queued, in order; the queue is empty afterwards.
  std::vector<std::vector<char>> take() {
    seal();
    std::vector<std::vector<char>> out;
    out.swap(chunks_);
    return out;
  }

  /// Bytes appended to the buffer and not yet sealed.
  size_t buffered() const { return buffer_.size(); }
  /// Whether nothing waits to be taken.
  bool empty() const { return buffer_.empty() && chunks_.empty(); }

 private:
  void seal() {
    if (buffer_.empty()) return;
    chunks_.push_back(std::move(buffer_));
    buffer_.clear();
  }

  std::vector<char> buffer_;
  std::vector<std::vector<char>> chunks_;
};

}  // namespace gnatsd
