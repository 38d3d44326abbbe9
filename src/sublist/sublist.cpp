#include "sublist/sublist.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "subject/subject.hpp"
#include "util/assert.hpp"

namespace gnatsd {

struct sublist::node {
  std::string token;  // a literal node's token: the key of its level's map views it
  std::unique_ptr<level> next;
  std::vector<subscription_ptr> plain;
  std::vector<queue_group> queues;

  bool empty() const;
};

struct sublist::level {
  // Keyed by a view of the node's own token, so lookups by string_view build no string (C++17
  // unordered_map has no heterogeneous lookup). A hash map, not a tree: a level holding 1,000
  // tokens cost about ten cache misses per lookup as a std::map (a match with a million
  // subscriptions took 2.5 us).
  std::unordered_map<std::string_view, std::unique_ptr<node>> literals;
  std::unique_ptr<node> star;  // the `*` child
  std::unique_ptr<node> full;  // the `>` child

  bool empty() const { return literals.empty() && !star && !full; }
};

bool sublist::node::empty() const {
  return plain.empty() && queues.empty() && (!next || next->empty());
}

namespace {

constexpr size_t inline_tokens = 32;

// Splits a literal subject into tokens: into `inline_buf` when it fits (the common case, no
// allocation), otherwise into `spill`. Returns an empty span for an empty token.
std::pair<const std::string_view*, size_t> tokenize(std::string_view subject,
                                                    std::string_view (&inline_buf)[inline_tokens],
                                                    std::vector<std::string_view>& spill) {
  size_t n = 0;
  std::string_view rest = subject, token;
  bool done = false;
  while (subject::next_token(rest, token, done)) {
    if (token.empty()) return {nullptr, 0};
    if (n < inline_tokens) {
      inline_buf[n++] = token;
      continue;
    }
    if (spill.empty()) spill.assign(inline_buf, inline_buf + inline_tokens);
    spill.push_back(token);
    ++n;
  }
  if (!spill.empty()) return {spill.data(), n};
  return {inline_buf, n};
}

void add_node_subs(const sublist::node* n, match_result& r);

}  // namespace

sublist::sublist() : root_(std::make_unique<level>()) {}
sublist::~sublist() = default;

void sublist::insert(const subscription_ptr& sub) {
  GNATSD_ASSERT(sub != nullptr);
  GNATSD_ASSERT(subject::valid_subscription(sub->subject));
  std::unique_lock lock{mutex_};
  level* l = root_.get();
  node* n = nullptr;
  std::string_view rest = sub->subject, token;
  bool done = false;
  while (subject::next_token(rest, token, done)) {
    std::unique_ptr<node>* slot;
    if (token == "*") {
      slot = &l->star;
    } else if (token == ">") {
      slot = &l->full;
    } else {
      auto it = l->literals.find(token);
      if (it == l->literals.end()) {
        auto fresh = std::make_unique<node>();
        fresh->token.assign(token);
        const std::string_view key = fresh->token;
        it = l->literals.emplace(key, std::move(fresh)).first;
      }
      slot = &it->second;
    }
    if (!*slot) *slot = std::make_unique<node>();
    n = slot->get();
    if (!done) {
      if (!n->next) n->next = std::make_unique<level>();
      l = n->next.get();
    }
  }
  GNATSD_ASSERT(n != nullptr);
  if (sub->queue.empty()) {
    n->plain.push_back(sub);
  } else {
    auto group = std::find_if(n->queues.begin(), n->queues.end(),
                              [&](const queue_group& g) { return g.name == sub->queue; });
    if (group == n->queues.end()) {
      n->queues.push_back(queue_group{sub->queue, {}});
      group = n->queues.end() - 1;
    }
    group->members.push_back(sub);
  }
  ++count_;
  ++inserts_;
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

namespace {

bool erase_sub(std::vector<subscription_ptr>& v, const subscription_ptr& sub) {
  auto it = std::find(v.begin(), v.end(), sub);
  if (it == v.end()) return false;
  *it = std::move(v.back());
  v.pop_back();
  return true;
}

bool erase_from_node(sublist::node& n, const subscription_ptr& sub) {
  if (sub->queue.empty()) return erase_sub(n.plain, sub);
  for (auto g = n.queues.begin(); g != n.queues.end(); ++g) {
    if (g->name != sub->queue) continue;
    if (!erase_sub(g->members, sub)) return false;
    if (g->members.empty()) n.queues.erase(g);
    return true;
  }
  return false;
}

}  // namespace

bool sublist::remove(const subscription_ptr& sub) {
  GNATSD_ASSERT(sub != nullptr);
  std::unique_lock lock{mutex_};
  // Walk down remembering the path so that emptied nodes and levels can be pruned: a server
  // that sees millions of distinct subjects come and go must not keep their nodes.
  struct step {
    level* l;
    std::unique_ptr<node>* slot;
    std::unordered_map<std::string_view, std::unique_ptr<node>>::iterator it;
    bool literal;
  };
  std::vector<step> path;
  level* l = root_.get();
  std::string_view rest = sub->subject, token;
  bool done = false;
  while (subject::next_token(rest, token, done)) {
    if (l == nullptr) return false;
    step s{l, nullptr, l->literals.end(), false};
    if (token == "*") {
      s.slot = &l->star;
    } else if (token == ">") {
      s.slot = &l->full;
    } else {
      s.it = l->literals.find(token);
      if (s.it == l->literals.end()) return false;
      s.slot = &s.it->second;
      s.literal = true;
    }
    if (!*s.slot) return false;
    path.push_back(s);
    l = (*s.slot)->next.get();
  }
  if (path.empty() || !erase_from_node(**path.back().slot, sub)) return false;
  for (auto s = path.rbegin(); s != path.rend(); ++s) {
    node& n = **s->slot;
    if (n.next && n.next->empty()) n.next.reset();
    if (!n.empty()) break;
    if (s->literal)
      s->l->literals.erase(s->it);
    else
      s->slot->reset();
  }
  --count_;
  ++removes_;
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

namespace {

void add_node_subs(const sublist::node* n, match_result& r) {
  if (n == nullptr) return;
  r.plain.insert(r.plain.end(), n->plain.begin(), n->plain.end());
  for (const auto& g : n->queues) {
    auto into = std::find_if(r.queues.begin(), r.queues.end(),
                             [&](const queue_group& q) { return q.name == g.name; });
    if (into == r.queues.end())
      r.queues.push_back(g);
    else
      into->members.insert(into->members.end(), g.members.begin(), g.members.end());
  }
}

void match_level(const sublist::level* l, const std::string_view* tokens, size_t n,
                 match_result& r) {
  const sublist::node* last = nullptr;
  const sublist::node* last_star = nullptr;
  for (size_t i = 0; i < n && l != nullptr; ++i) {
    add_node_subs(l->full.get(), r);
    if (l->star) {
      if (i + 1 == n)
        last_star = l->star.get();
      else
        match_level(l->star->next.get(), tokens + i + 1, n - i - 1, r);
    }
    auto it = l->literals.find(tokens[i]);
    if (it == l->literals.end()) break;  // the `*` node found at this level still counts
    if (i + 1 == n) last = it->second.get();
    l = it->second->next.get();
  }
  add_node_subs(last, r);
  add_node_subs(last_star, r);
}

}  // namespace

match_result_ptr sublist::match(std::string_view subject) const {
  static const match_result_ptr empty = std::make_shared<const match_result>();
  matches_.fetch_add(1, std::memory_order_relaxed);
  std::string_view inline_buf[inline_tokens];
  std::vector<std::string_view> spill;
  const auto [tokens, n] = tokenize(subject, inline_buf, spill);
  if (n == 0) return empty;
  auto result = std::make_shared<match_result>();
  {
    std::shared_lock lock{mutex_};
    match_level(root_.get(), tokens, n, *result);
  }
  if (result->empty()) return empty;
  return result;
}

namespace {

void visit(const sublist::level& l, const std::function<void(const subscription&)>& fn);

void visit(const sublist::node& n, const std::function<void(const subscription&)>& fn) {
  for (const auto& s : n.plain)
    fn(*s);
  for (const auto& g : n.queues)
    for (const auto& s : g.members)
      fn(*s);
  if (n.next) visit(*n.next, fn);
}

void visit(const sublist::level& l, const std::function<void(const subscription&)>& fn) {
  for (const auto& [token, n] : l.literals)
    visit(*n, fn);
  if (l.star) visit(*l.star, fn);
  if (l.full) visit(*l.full, fn);
}

}  // namespace

void sublist::for_each(const std::function<void(const subscription&)>& fn) const {
  std::shared_lock lock{mutex_};
  visit(*root_, fn);
}

sublist_stats sublist::stats() const {
  std::shared_lock lock{mutex_};
  const uint64_t hits = cache_hits_.load(std::memory_order_relaxed);
  const int64_t entries = cache_entries_.load(std::memory_order_relaxed);
  return sublist_stats{count_,   inserts_,
                       removes_, matches_.load(std::memory_order_relaxed) + hits,
                       hits,     static_cast<uint64_t>(std::max<int64_t>(0, entries))};
}

void sublist::note_cache_use(uint64_t hits, int64_t entries_delta) {
  if (hits > 0) cache_hits_.fetch_add(hits, std::memory_order_relaxed);
  if (entries_delta != 0) cache_entries_.fetch_add(entries_delta, std::memory_order_relaxed);
}

}  // namespace gnatsd
