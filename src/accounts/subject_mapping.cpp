#include "accounts/subject_mapping.hpp"

#include <vector>

#include "subject/subject.hpp"

namespace gnatsd {
namespace {

size_t stars(const std::vector<std::string_view>& tokens) {
  size_t n = 0;
  for (auto t : tokens)
    n += t == "*" ? 1 : 0;
  return n;
}

bool has_tail(const std::vector<std::string_view>& tokens) {
  return !tokens.empty() && tokens.back() == ">";
}

// Where in `subject` its `index`-th token starts, or npos.
size_t token_start(std::string_view subject, int index) {
  size_t at = 0;
  for (int i = 0; i < index; ++i) {
    at = subject.find('.', at);
    if (at == std::string_view::npos) return at;
    ++at;
  }
  return at;
}

}  // namespace

subject_mapping::subject_mapping(std::string from, std::string to)
    : from_(std::move(from)), to_(to.empty() ? from_ : std::move(to)) {
  forward_ = plan(from_, to_);
  backward_ = plan(to_, from_);
}

// For each token of `dst`: a literal, or which token of a subject within `src` fills it
// (the matching wildcard of `src`: the first `*` for the first `*`, `>` for `>`).
std::vector<subject_mapping::piece> subject_mapping::plan(const std::string& src,
                                                          const std::string& dst) {
  const auto s = subject::tokens(src), d = subject::tokens(dst);
  std::vector<int> star_at;
  int tail_at = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == "*") star_at.push_back(static_cast<int>(i));
    if (s[i] == ">") tail_at = static_cast<int>(i);
  }
  std::vector<piece> out;
  size_t next_star = 0;
  for (auto t : d) {
    piece p{std::string{t}, -1, false};
    if (t == "*" && next_star < star_at.size()) p.source = star_at[next_star++];
    if (t == ">" && tail_at >= 0) {
      p.source = tail_at;
      p.tail = true;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Builds the subject without allocating beyond `out`'s own growth (stream imports do this
// for every message delivered through them).
void subject_mapping::apply(const std::vector<piece>& plan, std::string_view subject,
                            std::string& out) {
  out.clear();
  for (size_t k = 0; k < plan.size(); ++k) {
    if (k > 0) out += '.';
    const piece& p = plan[k];
    const size_t start = p.source < 0 ? std::string_view::npos : token_start(subject, p.source);
    if (start == std::string_view::npos || start >= subject.size()) {
      out += p.literal;  // a literal, or a wildcard the subject has no token for
      continue;
    }
    const size_t end = p.tail ? subject.size() : subject.find('.', start);
    out += subject.substr(start, end == std::string_view::npos ? end : end - start);
  }
}

subject_mapping subject_mapping::with_prefix(const std::string& from, const std::string& prefix) {
  return subject_mapping{from, prefix + "." + from};
}

bool subject_mapping::consistent() const {
  const auto f = subject::tokens(from_), t = subject::tokens(to_);
  return stars(f) == stars(t) && has_tail(f) == has_tail(t);
}

std::string subject_mapping::forward(std::string_view subject) const {
  std::string out;
  forward_into(subject, out);
  return out;
}

void subject_mapping::forward_into(std::string_view subject, std::string& out) const {
  if (from_ == to_) {
    out.assign(subject.data(), subject.size());
    return;
  }
  apply(forward_, subject, out);
}

std::string subject_mapping::backward(std::string_view subject) const {
  if (from_ == to_) return std::string{subject};
  std::string out;
  apply(backward_, subject, out);
  return out;
}

std::string subject_mapping::shadow_of(std::string_view sub) const {
  if (subject::subset_of(sub, to_)) return backward(sub);
  if (subject::subset_of(to_, sub)) return from_;
  return {};
}

}  // namespace gnatsd
