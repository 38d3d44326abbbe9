#include "accounts/subject_mapping.hpp"

#include <vector>

#include "subject/subject.hpp"

namespace gnatsd {
namespace {

std::string joined(const std::vector<std::string_view>& tokens, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < tokens.size(); ++i) {
    if (i > from) out += '.';
    out += tokens[i];
  }
  return out;
}

size_t stars(const std::vector<std::string_view>& tokens) {
  size_t n = 0;
  for (auto t : tokens)
    n += t == "*" ? 1 : 0;
  return n;
}

bool has_tail(const std::vector<std::string_view>& tokens) {
  return !tokens.empty() && tokens.back() == ">";
}

// Carries `subject` (within pattern `src`) over to pattern `dst`: the tokens under each `*`
// of `src` fill the matching `*` of `dst`, those under `>` fill its `>`.
std::string translate(std::string_view src, std::string_view dst, std::string_view subject) {
  const auto s = subject::tokens(src), d = subject::tokens(dst), in = subject::tokens(subject);
  std::vector<std::string_view> captured;
  std::string tail;
  for (size_t i = 0; i < s.size() && i < in.size(); ++i) {
    if (s[i] == "*") captured.push_back(in[i]);
    if (s[i] == ">") tail = joined(in, i);
  }
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0) out += '.';
    if (d[i] == "*")
      out += next < captured.size() ? captured[next++] : std::string_view{"*"};
    else if (d[i] == ">")
      out += tail.empty() ? ">" : tail;
    else
      out += d[i];
  }
  return out;
}

}  // namespace

subject_mapping::subject_mapping(std::string from, std::string to)
    : from_(std::move(from)), to_(to.empty() ? from_ : std::move(to)) {}

subject_mapping subject_mapping::with_prefix(const std::string& from, const std::string& prefix) {
  return subject_mapping{from, prefix + "." + from};
}

bool subject_mapping::consistent() const {
  const auto f = subject::tokens(from_), t = subject::tokens(to_);
  return stars(f) == stars(t) && has_tail(f) == has_tail(t);
}

std::string subject_mapping::forward(std::string_view subject) const {
  if (from_ == to_) return std::string{subject};
  return translate(from_, to_, subject);
}

std::string subject_mapping::backward(std::string_view subject) const {
  if (from_ == to_) return std::string{subject};
  return translate(to_, from_, subject);
}

std::string subject_mapping::shadow_of(std::string_view sub) const {
  if (subject::subset_of(sub, to_)) return backward(sub);
  if (subject::subset_of(to_, sub)) return from_;
  return {};
}

}  // namespace gnatsd
