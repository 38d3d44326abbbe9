#include "system/system_subjects.hpp"

#include <array>
#include <utility>

namespace gnatsd::system {
namespace {

constexpr std::string_view server_prefix = "$SYS.REQ.SERVER.";
constexpr std::string_view account_prefix = "$SYS.REQ.ACCOUNT.";

constexpr std::array<std::pair<std::string_view, endpoint>, 10> server_kinds{{
    {"STATSZ", endpoint::statsz},
    {"VARZ", endpoint::varz},
    {"CONNZ", endpoint::connz},
    {"ROUTEZ", endpoint::routez},
    {"SUBSZ", endpoint::subsz},
    {"ACCOUNTZ", endpoint::accountz},
    {"HEALTHZ", endpoint::healthz},
    {"GATEWAYZ", endpoint::gatewayz},
    {"LEAFZ", endpoint::leafz},
    {"JSZ", endpoint::jsz},
}};

constexpr std::array<std::pair<std::string_view, endpoint>, 7> account_kinds{{
    {"SUBSZ", endpoint::subsz},
    {"CONNZ", endpoint::connz},
    {"LEAFZ", endpoint::leafz},
    {"JSZ", endpoint::jsz},
    {"INFO", endpoint::account_info},
    {"STATZ", endpoint::account_statz},
    {"CONNS", endpoint::account_conns},
}};

template <size_t N>
std::optional<endpoint> kind_of(const std::array<std::pair<std::string_view, endpoint>, N>& kinds,
                                std::string_view name) {
  for (const auto& [n, e] : kinds)
    if (n == name) return e;
  return std::nullopt;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::optional<request> parse_server_request(std::string_view rest, std::string_view server_id) {
  if (rest == "PING") return request{endpoint::statsz, {}};
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto target = rest.substr(0, dot);
  if (target != "PING" && target != server_id) return std::nullopt;
  const auto kind = kind_of(server_kinds, rest.substr(dot + 1));
  if (!kind) return std::nullopt;
  return request{*kind, {}};
}

std::optional<request> parse_account_request(std::string_view rest) {
  const auto dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const auto account = rest.substr(0, dot);
  if (account.find('.') != std::string_view::npos) return std::nullopt;
  const auto kind = kind_of(account_kinds, rest.substr(dot + 1));
  if (!kind) return std::nullopt;
  // `$SYS.REQ.ACCOUNT.PING.STATZ|CONNZ` sent in the system account itself: every account.
  return request{*kind, account == "PING" ? std::string{} : std::string{account}};
}

}  // namespace

std::optional<request> parse_request(std::string_view subject, std::string_view server_id) {
  if (starts_with(subject, server_prefix))
    return parse_server_request(subject.substr(server_prefix.size()), server_id);
  if (starts_with(subject, account_prefix))
    return parse_account_request(subject.substr(account_prefix.size()));
  return std::nullopt;
}

std::vector<std::string> request_subscriptions(std::string_view server_id) {
  std::vector<std::string> out{std::string{server_prefix} + "PING"};
  for (const auto& [name, e] : server_kinds)
    out.push_back(std::string{server_prefix} + "PING." + std::string{name});
  for (const auto& [name, e] : server_kinds)
    out.push_back(std::string{server_prefix} + std::string{server_id} + "." + std::string{name});
  for (const auto& [name, e] : account_kinds)
    out.push_back(std::string{account_prefix} + "*." + std::string{name});
  return out;
}

std::string connect_subject(std::string_view account) {
  return "$SYS.ACCOUNT." + std::string{account} + ".CONNECT";
}
std::string disconnect_subject(std::string_view account) {
  return "$SYS.ACCOUNT." + std::string{account} + ".DISCONNECT";
}
std::string account_conns_subject(std::string_view account) {
  return "$SYS.ACCOUNT." + std::string{account} + ".SERVER.CONNS";
}
std::string account_conns_subject_old(std::string_view account) {
  return "$SYS.SERVER.ACCOUNT." + std::string{account} + ".CONNS";
}
std::string statsz_subject(std::string_view server_id) {
  return "$SYS.SERVER." + std::string{server_id} + ".STATSZ";
}
std::string shutdown_subject(std::string_view server_id) {
  return "$SYS.SERVER." + std::string{server_id} + ".SHUTDOWN";
}

std::string_view event_server(std::string_view subject) {
  constexpr std::string_view prefix = "$SYS.SERVER.";
  if (!starts_with(subject, prefix)) return {};
  const auto rest = subject.substr(prefix.size());
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return {};
  const auto kind = rest.substr(dot + 1);
  if (kind != "STATSZ" && kind != "SHUTDOWN") return {};
  return rest.substr(0, dot);
}

std::vector<account_service_import> account_service_imports(std::string_view account) {
  const std::string acc{account};
  return {
      {"$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT." + acc + ".CONNZ"},
      {"$SYS.REQ.ACCOUNT.PING.CONNZ", "$SYS.REQ.ACCOUNT." + acc + ".CONNZ"},
      {"$SYS.REQ.ACCOUNT.PING.STATZ", "$SYS.REQ.ACCOUNT." + acc + ".STATZ"},
  };
}

}  // namespace gnatsd::system
