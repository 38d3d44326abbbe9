#include "auth/permissions.hpp"

#include "subject/subject.hpp"

namespace gnatsd {
namespace {

bool has_wildcard(std::string_view subject) {
  std::string_view rest = subject, token;
  bool done = false;
  while (subject::next_token(rest, token, done))
    if (token == "*" || token == ">") return true;
  return false;
}

// A queue entry may itself use wildcards ("work.*"), as in nats-server's queueMatches.
bool queue_matches(std::string_view pattern, std::string_view queue) {
  return pattern == queue || subject::matches(pattern, queue);
}

}  // namespace

permission_checker::permission_checker(const permission_set& perms)
    : pub_(compile(perms.publish, false)), sub_(compile(perms.subscribe, true)) {}

permission_checker::rules permission_checker::compile(const subject_rules& r, bool with_queues) {
  auto split = [&](const std::string& text) {
    entry e;
    const auto space = text.find(' ');
    if (with_queues && space != std::string::npos) {
      e.subject = text.substr(0, space);
      const auto q = text.find_first_not_of(' ', space);
      e.queue = q == std::string::npos ? "" : text.substr(q);
    } else {
      e.subject = text;
    }
    return e;
  };
  rules out;
  out.has_allow = r.has_allow;
  for (const auto& a : r.allow)
    out.allow.push_back(split(a));
  for (const auto& d : r.deny)
    out.deny.push_back(split(d));
  out.prefiltered = !out.has_allow && !out.deny.empty();
  for (const auto& e : out.deny) {
    const bool wildcard_first =
        e.subject.empty() || e.subject.front() == '*' || e.subject.front() == '>';
    if (wildcard_first) out.prefiltered = false;
    if (!e.subject.empty() && out.deny_firsts.find(e.subject.front()) == std::string::npos)
      out.deny_firsts.push_back(e.subject.front());
  }
  return out;
}

bool permission_checker::rules::passes_at_once(std::string_view subject) const {
  // A subscription subject starting with a wildcard may cover anything.
  return prefiltered && !subject.empty() && subject.front() != '*' && subject.front() != '>' &&
         deny_firsts.find(subject.front()) == std::string::npos;
}

bool permission_checker::can_publish(std::string_view subject) const {
  if (pub_.passes_at_once(subject)) return true;
  auto any = [&](const std::vector<entry>& list) {
    for (const auto& e : list)
      if (subject::matches(e.subject, subject)) return true;
    return false;
  };
  if (pub_.has_allow && !any(pub_.allow)) return false;
  return !any(pub_.deny);
}

bool permission_checker::listed(const std::vector<entry>& list, std::string_view subject,
                                std::string_view queue) {
  bool plain = false, queue_entries = false, queue_listed = false;
  for (const auto& e : list) {
    if (!subject::matches(e.subject, subject)) continue;
    if (e.queue.empty()) {
      plain = true;
    } else {
      queue_entries = true;
      if (!queue.empty() && queue_matches(e.queue, queue)) queue_listed = true;
    }
  }
  if (!queue.empty() && queue_entries) return queue_listed;
  return plain;
}

bool permission_checker::can_subscribe(std::string_view subject, std::string_view queue) const {
  if (sub_.passes_at_once(subject)) return true;
  if (sub_.has_allow && !listed(sub_.allow, subject, queue)) return false;
  return !listed(sub_.deny, subject, queue);
}

std::shared_ptr<const denied_subjects> permission_checker::delivery_filter(
    std::string_view subject) const {
  if (!has_wildcard(subject)) return nullptr;
  auto out = std::make_shared<denied_subjects>();
  for (const auto& e : sub_.deny)
    if (e.queue.empty() && subject::matches(subject, e.subject)) out->push_back(e.subject);
  if (out->empty()) return nullptr;
  return out;
}

bool denied(const denied_subjects& list, std::string_view subject) {
  for (const auto& pattern : list)
    if (subject::matches(pattern, subject)) return true;
  return false;
}

}  // namespace gnatsd
