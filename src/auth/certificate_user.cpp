#include "auth/certificate_user.hpp"

#include <algorithm>
#include <cctype>

#include "util/text.hpp"

namespace gnatsd {
namespace {

using attribute = std::pair<std::string, std::string>;

std::string trimmed(const std::string& s) {
  return std::string{text::trim(s, " ")};
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "CN=bob, OU=eng,O=acme" -> {CN,bob},{OU,eng},{O,acme}; nullopt if it is no DN. A
// backslash escapes the next character; '+' (a multi-valued RDN) separates like ','.
std::optional<std::vector<attribute>> parse_dn(const std::string& text) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      parts.back() += text[++i];
    } else if (c == ',' || c == '+') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  std::vector<attribute> dn;
  for (const auto& part : parts) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) return std::nullopt;
    std::string type = upper(trimmed(part.substr(0, eq)));
    if (type.empty()) return std::nullopt;
    dn.emplace_back(std::move(type), trimmed(part.substr(eq + 1)));
  }
  return dn;
}

std::string quoted(const std::string& s) {
  return "[\"" + s + "\"]";
}

std::optional<certificate_match> literal(const std::vector<std::string>& candidates,
                                         const std::vector<std::string>& users,
                                         const char* found_as) {
  for (const auto& c : candidates)
    if (std::find(users.begin(), users.end(), c) != users.end())
      return certificate_match{
          c, std::string{"Using "} + found_as + " found in cert for auth " + quoted(c)};
  return std::nullopt;
}

std::optional<certificate_match> by_distinguished_name(const certificate_names& names,
                                                       const std::vector<std::string>& users) {
  if (names.subject.empty()) return std::nullopt;
  // Go prints (and nats-server first compares) the subject in reverse certificate order.
  std::vector<attribute> subject;
  for (auto it = names.subject.rbegin(); it != names.subject.rend(); ++it)
    subject.emplace_back(upper(it->first), it->second);
  auto sorted = [](std::vector<attribute> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto subject_sorted = sorted(subject);
  const std::string line = "Using DistinguishedNameMatch for auth ";
  std::vector<std::pair<const std::string*, std::vector<attribute>>> candidates;
  for (const auto& u : users) {
    auto dn = parse_dn(u);
    if (!dn) continue;
    if (*dn == subject) return certificate_match{u, line + quoted(u)};
    candidates.emplace_back(&u, std::move(*dn));
  }
  for (const auto& [u, dn] : candidates)
    if (sorted(dn) == subject_sorted) return certificate_match{*u, line + quoted(*u)};
  return std::nullopt;
}

}  // namespace

bool certificate_pinned(const certificate_names& peer, const std::vector<std::string>& pinned,
                        std::string& why) {
  if (pinned.empty()) return true;
  if (peer.key_id.empty()) {
    why = "Failed pinned cert test as client did not provide a certificate";
    return false;
  }
  if (std::find(pinned.begin(), pinned.end(), peer.key_id) != pinned.end()) return true;
  why = "Failed pinned cert test for key id: " + peer.key_id;
  return false;
}

std::optional<certificate_match> user_for_certificate(const certificate_names& names,
                                                      const std::vector<std::string>& users) {
  if (auto m = literal(names.emails, users, "email")) return m;
  if (auto m = literal(names.dns_names, users, "SAN")) return m;
  if (auto m = literal(names.uris, users, "URI")) return m;
  if (auto m = by_distinguished_name(names, users)) return m;
  if (!names.subject_text.empty() &&
      std::find(users.begin(), users.end(), names.subject_text) != users.end())
    return certificate_match{names.subject_text,
                             "Using RDNSequence for auth " + quoted(names.subject_text)};
  return std::nullopt;
}

}  // namespace gnatsd
