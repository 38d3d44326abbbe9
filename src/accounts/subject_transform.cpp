#include "accounts/subject_transform.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>

#include "subject/subject.hpp"
#include "util/text.hpp"

namespace gnatsd {
namespace {

constexpr const char* invalid_destination = "invalid mapping destination: ";

std::vector<std::string> to_strings(const std::vector<std::string_view>& v) {
  return {v.begin(), v.end()};
}

std::string trim(std::string_view s) {
  return std::string{text::trim(s, " ")};
}

std::optional<int> integer(std::string_view s) {
  const std::string t = trim(s);
  int v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

struct call {
  std::string name;
  std::vector<std::string> args;  // split on commas (nats-server's `,\s*`)
};

// `{{ name(args) }}`, or nothing if the token is not a function call.
std::optional<call> function_call(const std::string& token) {
  if (token.size() <= 4 || token.compare(0, 2, "{{") != 0 ||
      token.compare(token.size() - 2, 2, "}}") != 0)
    return std::nullopt;
  std::string_view inner{token};
  inner = inner.substr(2, inner.size() - 4);
  const auto open = inner.find('('), close = inner.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return call{"", {}};  // `{{...}}` that is no call: an unknown function
  call c{trim(inner.substr(0, open)), {}};
  const auto args = inner.substr(open + 1, close - open - 1);
  size_t start = 0;
  for (;;) {
    const size_t comma = args.find(',', start);
    c.args.push_back(
        trim(args.substr(start, comma == std::string_view::npos ? args.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return c;
}

struct parsed_part {
  subject_transform::kind what = subject_transform::kind::literal;
  std::vector<int> wildcards;
  int number = 0;
  std::string text;
};

std::string function_error(const char* what, const std::string& token) {
  return std::string{invalid_destination} + what + " in " + token;
}

// One destination token: a literal, `$n`, or one of nats-server 2.9's functions.
bool parse_part(const std::string& token, parsed_part& p, std::string& error) {
  using k = subject_transform::kind;
  p.text = token;
  if (token.size() > 1 && token[0] == '$') {
    if (const auto n = integer(token.substr(1))) {
      p.what = k::wildcard;
      p.wildcards = {*n};
    }
    return true;
  }
  const auto c = function_call(token);
  if (!c) return true;
  const auto not_enough = "not enough arguments passed to the function";
  const auto bad_arg = "function argument is invalid or in the wrong format";
  const auto too_many = "too many arguments passed to the function";
  if (iequals(c->name, "wildcard")) {
    if (c->args.size() == 1 && c->args[0].empty())
      return error = function_error(not_enough, token), false;
    if (c->args.size() > 1) return error = function_error(too_many, token), false;
    const auto n = integer(c->args[0]);
    if (!n) return error = function_error(bad_arg, token), false;
    p.what = k::wildcard;
    p.wildcards = {*n};
    return true;
  }
  if (iequals(c->name, "partition")) {
    const auto n = integer(c->args[0]);
    if (!n || *n <= 0) return error = function_error(bad_arg, token), false;
    p.what = k::partition;
    p.number = *n;
    for (size_t i = 1; i < c->args.size(); ++i) {
      const auto w = integer(c->args[i]);
      if (!w) return error = function_error(bad_arg, token), false;
      p.wildcards.push_back(*w);
    }
    return true;
  }
  static const std::pair<const char*, k> two_ints[] = {{"splitFromLeft", k::split_left},
                                                       {"splitFromRight", k::split_right},
                                                       {"sliceFromLeft", k::slice_left},
                                                       {"sliceFromRight", k::slice_right},
                                                       {"split", k::split}};
  for (const auto& [name, what] : two_ints) {
    if (!iequals(c->name, name)) continue;
    if (c->args.size() < 2) return error = function_error(not_enough, token), false;
    if (c->args.size() > 2) return error = function_error(too_many, token), false;
    const auto w = integer(c->args[0]);
    if (!w) return error = function_error(bad_arg, token), false;
    p.what = what;
    p.wildcards = {*w};
    if (what == k::split) {
      if (c->args[1].empty() || c->args[1].find_first_of(" .") != std::string::npos)
        return error = function_error(bad_arg, token), false;
      p.text = c->args[1];
      return true;
    }
    const auto n = integer(c->args[1]);
    if (!n) return error = function_error(bad_arg, token), false;
    p.number = *n;
    return true;
  }
  error = function_error("unknown function", token);
  return false;
}

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

// Splits `token` into dotted pieces: `lengths` from the left, the rest in one.
void append_pieces(std::string& out, std::string_view token, const std::vector<size_t>& cuts) {
  size_t at = 0;
  for (const size_t cut : cuts) {
    out.append(token.substr(at, cut - at));
    out += '.';
    at = cut;
  }
  out.append(token.substr(at));
}

}  // namespace

std::optional<subject_transform> subject_transform::make(std::string_view source,
                                                         std::string_view destination,
                                                         std::string& error) {
  subject_transform t;
  t.source_ = std::string{source};
  t.source_tokens_ = to_strings(subject::tokens(source));
  const auto dest_tokens = to_strings(subject::tokens(destination));
  int wildcards = 0;
  bool source_rest = false, dest_rest = false;
  for (const auto& s : t.source_tokens_) {
    if (s == "*") ++wildcards;
    if (s == ">") source_rest = true;
  }
  for (const auto& d : dest_tokens) {
    if (d == "*" || d.empty() || (dest_rest)) {
      error = "invalid subject";
      return std::nullopt;
    }
    if (d == ">") dest_rest = true;
  }
  if (!subject::valid_subscription(source) || source_rest != dest_rest) {
    error = "invalid subject";
    return std::nullopt;
  }
  int placeholders = 0;
  for (const auto& token : dest_tokens) {
    parsed_part p;
    if (!parse_part(token, p, error)) return std::nullopt;
    if (token == ">") p.what = kind::rest;
    if (p.what != kind::literal && p.what != kind::rest) ++placeholders;
    const bool any_wildcard = wildcards > 0 || source_rest;
    if (!any_wildcard && p.what != kind::literal && p.what != kind::rest &&
        p.what != kind::partition) {
      error = std::string{invalid_destination} + "wildcard index out of range in " + token;
      return std::nullopt;
    }
    for (const int w : p.wildcards)
      if (w < 1 || w > wildcards) {
        error = std::string{invalid_destination} + "wildcard index out of range in " + token +
                ": [" + std::to_string(w) + "]";
        return std::nullopt;
      }
    // Without wildcards in the source nats-server 2.9 checks the destination's functions but
    // uses it as written (`{{partition(5)}}` stays in the subject).
    if (!any_wildcard) p.what = kind::literal;
    t.parts_.push_back(part{p.what, std::move(p.text), std::move(p.wildcards), p.number});
  }
  // nats-server 2.9 wants at least as many placeholders as the source has wildcards.
  if (placeholders < wildcards) {
    error = std::string{invalid_destination} + "not using all of the token wildcard(s) in " +
            std::string{destination};
    return std::nullopt;
  }
  return t;
}

bool subject_transform::matches(std::string_view subject) const {
  return subject::matches(source_, subject);
}

void subject_transform::apply(std::string_view subject, std::string& out) const {
  const auto tokens = subject::tokens(subject);
  std::vector<std::string_view> wildcard_values;
  std::string rest;
  for (size_t i = 0; i < source_tokens_.size() && i < tokens.size(); ++i) {
    if (source_tokens_[i] == "*") wildcard_values.push_back(tokens[i]);
    if (source_tokens_[i] == ">") {
      for (size_t j = i; j < tokens.size(); ++j) {
        if (j != i) rest += '.';
        rest += tokens[j];
      }
      break;
    }
  }
  auto value = [&](int n) { return wildcard_values[static_cast<size_t>(n - 1)]; };
  out.clear();
  for (const auto& p : parts_) {
    if (!out.empty()) out += '.';
    switch (p.what) {
      case kind::literal:
        out += p.text;
        break;
      case kind::rest:
        out += rest;
        break;
      case kind::wildcard:
        out += value(p.wildcards[0]);
        break;
      case kind::partition: {
        std::string key;
        if (p.wildcards.empty()) key = std::string{subject};
        for (const int w : p.wildcards)
          key += value(w);
        out += std::to_string(fnv1a(key) % static_cast<uint32_t>(p.number));
        break;
      }
      case kind::split_left:
      case kind::split_right: {
        const auto v = value(p.wildcards[0]);
        const auto pos = static_cast<size_t>(p.number);
        if (p.number > 0 && pos < v.size())
          append_pieces(out, v, {p.what == kind::split_left ? pos : v.size() - pos});
        else
          out += v;
        break;
      }
      case kind::slice_left:
      case kind::slice_right: {
        const auto v = value(p.wildcards[0]);
        const auto size = static_cast<size_t>(p.number);
        std::vector<size_t> cuts;
        if (p.number > 0 && size < v.size()) {
          size_t first = p.what == kind::slice_left ? size : v.size() % size;
          if (first == 0) first = size;
          for (size_t at = first; at < v.size(); at += size)
            cuts.push_back(at);
        }
        append_pieces(out, v, cuts);
        break;
      }
      case kind::split: {
        const auto v = value(p.wildcards[0]);
        bool first = true;
        size_t start = 0;
        for (;;) {
          const size_t at = v.find(p.text, start);
          const auto piece = v.substr(start, at == std::string_view::npos ? v.npos : at - start);
          if (!piece.empty()) {
            if (!first) out += '.';
            out += piece;
            first = false;
          }
          if (at == std::string_view::npos) break;
          start = at + p.text.size();
        }
        break;
      }
    }
  }
}

}  // namespace gnatsd
