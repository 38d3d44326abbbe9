// End-to-end tests of accounts: the real gnatsd binary beside Debian's nats-server 2.9.10 on
// the same config and the same transcripts, libnats clients, and a mixed cluster in which
// both servers carry accounts over one route.
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../support/cluster_helpers.hpp"
#include "../support/e2e_helpers.hpp"

namespace gnatsd::testing {
namespace {

std::string accounts_config(int client_port, const std::string& extra = {}) {
  return "listen: 127.0.0.1:" + std::to_string(client_port) + R"(
accounts {
  A: { users: [{user: a, password: a}, {user: a2, password: a2}] }
  B: { users: [{user: b, password: b}] }
}
authorization { users: [{user: g, password: g}] }
)" + extra;
}

std::string connect_line(const std::string& user) {
  return "CONNECT {\"verbose\":false,\"user\":\"" + user + "\",\"pass\":\"" + user + "\"}\r\n";
}

// A raw client logged in as `user` that subscribed to `subjects` (sids 1, 2, ...): the
// server has its subscriptions once the PONG is back.
std::unique_ptr<raw_client> subscriber(int port, const std::string& user,
                                       const std::vector<std::string>& subjects) {
  auto c = std::make_unique<raw_client>(port);
  std::string lines = connect_line(user);
  for (size_t i = 0; i < subjects.size(); ++i)
    lines += "SUB " + subjects[i] + " " + std::to_string(i + 1) + "\r\n";
  c->send(lines + "PING\r\n");
  EXPECT_NE(c->read_until("PONG\r\n").find("PONG\r\n"), std::string::npos);
  return c;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// What `c` received after its greeting, once a PING sent now is answered: every message the
// server delivered to it before that point (the server writes a connection's deliveries in
// order, ahead of the PONG), one line per protocol line and payload, PONGs left out.
std::string received_by(raw_client& c) {
  const size_t pongs = count_of(c.received(), "PONG\r\n");
  c.send("PING\r\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (count_of(c.received(), "PONG\r\n") <= pongs && std::chrono::steady_clock::now() < deadline)
    c.read_some(100);
  const std::string& got = c.received();
  std::string out;
  size_t at = got.find("\r\n") + 2;  // after the INFO
  while (at < got.size()) {
    const auto end = got.find("\r\n", at);
    if (end == std::string::npos) break;
    const std::string line = got.substr(at, end - at);
    at = end + 2;
    if (line == "PONG") continue;
    out += line + "\n";
    if (line.rfind("MSG ", 0) == 0) {  // and its payload line
      const auto payload_end = got.find("\r\n", at);
      out += got.substr(at, payload_end - at) + "\n";
      at = payload_end + 2;
    }
  }
  return out;
}

// Publishes as `user` and waits until the server processed it (PONG).
void publish_as(int port, const std::string& user, const std::string& subject,
                const std::string& payload) {
  raw_client p{port};
  p.send(connect_line(user) + "PUB " + subject + " " + std::to_string(payload.size()) + "\r\n" +
         payload + "\r\nPING\r\n");
  ASSERT_NE(p.read_until("PONG\r\n").find("PONG\r\n"), std::string::npos);
}

// The same transcript on both servers: three accounts subscribe to the same subjects, each
// publishes once; every subscriber sees exactly its own account's message.
std::string isolation_transcript(const std::string& binary) {
  const int port = free_port();
  server_process s{
      binary,
      {"-c", write_config("acc_iso_" + std::to_string(port) + ".conf", accounts_config(port))}};
  auto a = subscriber(s.port(), "a", {"foo", ">"});
  auto b = subscriber(s.port(), "b", {"foo", ">"});
  auto g = subscriber(s.port(), "g", {"foo", ">"});
  publish_as(s.port(), "a2", "foo", "from-A");
  publish_as(s.port(), "b", "foo", "from-B");
  publish_as(s.port(), "g", "foo", "from-G");
  return "A:\n" + received_by(*a) + "B:\n" + received_by(*b) + "G:\n" + received_by(*g);
}

TEST(AccountsE2E, EachAccountIsItsOwnSubjectSpaceAsInNatsServer) {
  const std::string ours = isolation_transcript(gnatsd_binary());
  const std::string theirs = isolation_transcript(nats_server_binary());
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(ours,
            "A:\nMSG foo 2 6\nfrom-A\nMSG foo 1 6\nfrom-A\n"
            "B:\nMSG foo 2 6\nfrom-B\nMSG foo 1 6\nfrom-B\n"
            "G:\nMSG foo 2 6\nfrom-G\nMSG foo 1 6\nfrom-G\n");
}

TEST(AccountsE2E, NoAuthUserLogsInClientsWithoutCredentialsToItsAccount) {
  const int port = free_port();
  server_process s{
      gnatsd_binary(),
      {"-c", write_config("acc_noauth.conf", accounts_config(port, "no_auth_user: b\n"))}};
  natsConnection* raw = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&raw, s.url().c_str()), NATS_OK);  // no credentials
  conn_ptr anonymous{raw};
  auto sub = subscribe(anonymous.get(), "foo");
  natsConnection_Flush(anonymous.get());
  publish_as(s.port(), "a", "foo", "from-A");
  publish_as(s.port(), "b", "foo", "from-B");
  auto m = next(sub.get());
  ASSERT_TRUE(m);
  EXPECT_EQ(data_of(m), "from-B");  // account B's message, never A's
  EXPECT_FALSE(next(sub.get(), 300));
  // Wrong credentials are still refused.
  raw_client bad{s.port()};
  bad.send("CONNECT {\"user\":\"b\",\"pass\":\"wrong\"}\r\nPING\r\n");
  EXPECT_NE(bad.read_until("Authorization Violation").find("-ERR 'Authorization Violation'"),
            std::string::npos);
}

TEST(AccountsE2E, ConnzShowsEachClientsAccountAndFiltersByIt) {
  const int port = free_port(), http = free_port();
  server_process s{
      gnatsd_binary(),
      {"-c",
       write_config("acc_connz.conf",
                    accounts_config(port, "http: 127.0.0.1:" + std::to_string(http) + "\n"))}};
  auto a = subscriber(s.port(), "a", {"foo"});
  auto g = subscriber(s.port(), "g", {"foo"});
  const std::string all = http_get(s.http_port(), "/connz?auth=1");
  EXPECT_NE(all.find("\"account\": \"A\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"authorized_user\": \"a\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"authorized_user\": \"g\""), std::string::npos) << all;
  EXPECT_EQ(all.find("\"account\": \"$G\""), std::string::npos) << all;  // as nats-server
  const std::string only_a = http_get(s.http_port(), "/connz?acc=A");
  EXPECT_NE(only_a.find("\"num_connections\": 1"), std::string::npos) << only_a;
  const std::string subsz = http_get(s.http_port(), "/subsz?subs=1");
  EXPECT_NE(subsz.find("\"account\": \"A\""), std::string::npos) << subsz;
  EXPECT_NE(subsz.find("\"account\": \"$G\""), std::string::npos) << subsz;
}

// gnatsd and nats-server in one cluster, both with accounts A and B: interest and messages
// cross the route per account (RS+/RMSG name it), and never into the other account. The
// route carries one stream, so a marker published after the candidate leak on the same
// server reaches the other server after it: when the marker has arrived, a leak would have.
TEST(AccountsE2E, AMixedClusterWithNatsServerKeepsAccountsApart) {
  const int ours_client = free_port(), theirs_client = free_port();
  const int ours_cluster = free_port(), theirs_cluster = free_port();
  const std::string cluster_block = "cluster { name: acc, listen: 127.0.0.1:";
  server_process theirs{
      nats_server_binary(),
      {"-c",
       write_config("acc_mixed_ns.conf",
                    accounts_config(theirs_client,
                                    cluster_block + std::to_string(theirs_cluster) + " }\n"))}};
  server_process ours{
      gnatsd_binary(),
      {"-c",
       write_config("acc_mixed_gn.conf",
                    accounts_config(ours_client, cluster_block + std::to_string(ours_cluster) +
                                                     ", routes: [nats://127.0.0.1:" +
                                                     std::to_string(theirs_cluster) + "] }\n")),
       "-D"}};
  ASSERT_TRUE(ours.wait_for_log("Route connection created"));
  for (auto [from, to] : {std::pair<server_process*, server_process*>{&theirs, &ours},
                          std::pair<server_process*, server_process*>{&ours, &theirs}}) {
    auto in_a = subscriber(to->port(), "a", {"foo", "mark"});
    auto in_b = subscriber(to->port(), "b", {"foo", "mark"});
    // Interest crosses the route asynchronously: publish marks until both see one.
    for (int i = 0; i < 200; ++i) {
      publish_as(from->port(), "a2", "mark", "m");
      publish_as(from->port(), "b", "mark", "m");
      if (received_by(*in_a).find("mark") != std::string::npos &&
          received_by(*in_b).find("mark") != std::string::npos)
        break;
    }
    const size_t a_seen = received_by(*in_a).size(), b_seen = received_by(*in_b).size();
    publish_as(from->port(), "a2", "foo", "only-A");
    publish_as(from->port(), "b", "mark", "end");
    publish_as(from->port(), "a2", "mark", "end");
    for (int i = 0; i < 500; ++i) {
      if (received_by(*in_b).find("end") != std::string::npos &&
          received_by(*in_a).find("end") != std::string::npos)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    const std::string got_a = received_by(*in_a).substr(a_seen);
    const std::string got_b = received_by(*in_b).substr(b_seen);
    EXPECT_NE(got_a.find("MSG foo 1 6\nonly-A\n"), std::string::npos) << got_a;
    EXPECT_NE(got_b.find("end"), std::string::npos) << got_b;
    EXPECT_EQ(got_b.find("only-A"), std::string::npos) << got_b;  // no leak into B
  }
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

std::string imports_config(int client_port, const std::string& extra = {}) {
  return "listen: 127.0.0.1:" + std::to_string(client_port) + R"(
accounts {
  A: { users: [{user: a, password: a}, {user: a2, password: a2}]
       exports: [ {stream: "public.>"}, {service: "svc.>"}, {stream: "priv.>", accounts: [C]},
                  {service: "multi", response: stream} ] }
  B: { users: [{user: b, password: b}]
       imports: [ {stream: {account: A, subject: "public.>"}, prefix: "pfx"},
                  {service: {account: A, subject: "svc.echo"}, to: "echo"},
                  {service: {account: A, subject: "multi"}} ] }
  C: { users: [{user: c, password: c}]
       imports: [ {stream: {account: A, subject: "priv.>"}},
                  {stream: {account: A, subject: "public.x"}, to: "got.x"} ] }
}
)" + extra;
}

// Replaces what differs by design between two servers' runs: reply tokens of service
// imports (random in nats-server, counted in gnatsd) and the requester's round-trip time.
std::string normalized(std::string s) {
  for (size_t at = s.find("_R_."); at != std::string::npos; at = s.find("_R_.", at + 1)) {
    const size_t end = s.find_first_of(" \r\n", at);
    s.replace(at, end - at, "_R_.<reply>");
  }
  const std::string rtt = "\"rtt\":";
  for (size_t at = s.find(rtt); at != std::string::npos; at = s.find(rtt, at + 1)) {
    const size_t end = s.find('}', at);
    s.replace(at + rtt.size(), end - at - rtt.size(), "<rtt>");
  }
  return s;
}

// Headers are on for the responder, so it sees the request's Nats-Request-Info; the header
// size depends on the rtt's digits, so HMSG sizes are dropped too.
std::string without_hmsg_sizes(std::string s) {
  for (size_t at = s.find("HMSG "); at != std::string::npos; at = s.find("HMSG ", at + 1)) {
    const size_t eol = s.find('\n', at);
    size_t cut = s.rfind(' ', eol);
    cut = s.rfind(' ', cut - 1);
    s.erase(cut, eol - cut);
  }
  return s;
}

std::unique_ptr<raw_client> header_subscriber(int port, const std::string& user,
                                              const std::vector<std::string>& subjects) {
  auto c = std::make_unique<raw_client>(port);
  std::string lines = "CONNECT {\"verbose\":false,\"headers\":true,\"user\":\"" + user +
                      "\",\"pass\":\"" + user + "\"}\r\n";
  for (size_t i = 0; i < subjects.size(); ++i)
    lines += "SUB " + subjects[i] + " " + std::to_string(i + 1) + "\r\n";
  c->send(lines + "PING\r\n");
  EXPECT_NE(c->read_until("PONG\r\n").find("PONG\r\n"), std::string::npos);
  return c;
}

std::string reply_in(const std::string& received, const std::string& subject) {
  const auto at = received.find("MSG " + subject + " ");
  if (at == std::string::npos) return {};
  const auto sid_end = received.find(' ', at + 5 + subject.size());
  const auto reply_end = received.find(' ', sid_end + 1);
  return received.substr(sid_end + 1, reply_end - sid_end - 1);
}

// The messages of a transcript (each MSG or HMSG line with its payload lines) in sorted
// order: the order in which one connection gets the copies for its different subscriptions
// is no part of the protocol (nats-server's varies from run to run for shadows).
std::string sorted_records(const std::string& transcript) {
  std::vector<std::string> records;
  std::istringstream in{transcript};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MSG ", 0) == 0 || line.rfind("HMSG ", 0) == 0 || records.empty())
      records.push_back(line + "\n");
    else
      records.back() += line + "\n";
  }
  std::sort(records.begin(), records.end());
  std::string out;
  for (const auto& r : records)
    out += r;
  return out;
}

std::string imports_transcript(const std::string& binary) {
  const int port = free_port();
  server_process s{
      binary, {"-c", write_config("imp_" + std::to_string(port) + ".conf", imports_config(port))}};
  auto a = header_subscriber(s.port(), "a", {"svc.>", "multi"});
  auto b = subscriber(s.port(), "b", {"pfx.>", ">", "inbox.b"});
  auto c = subscriber(s.port(), "c", {">"});
  publish_as(s.port(), "a2", "public.x", "hi");
  publish_as(s.port(), "a2", "priv.y", "yo");
  publish_as(s.port(), "a2", "public.z", "zz");
  std::string out = "streams B:\n" + sorted_records(received_by(*b)) + "streams C:\n" +
                    sorted_records(received_by(*c));
  // Request through the service import; the responder answers twice, a singleton export
  // passes the first answer only. Then a streamed export passes both.
  publish_as(s.port(), "b", "echo inbox.b", "req");
  std::string seen = received_by(*a);
  const std::string reply = reply_in(seen, "svc.echo");
  if (reply.empty()) return out + "no request reached A:\n" + seen;
  a->send("PUB " + reply + " 4\r\nresp\r\nPUB " + reply + " 5\r\nresp2\r\n");
  received_by(*a);  // the answers are processed (and on their way to B) before the next request
  publish_as(s.port(), "b", "multi inbox.b", "req2");
  seen = received_by(*a);
  const std::string reply2 = reply_in(seen, "multi");
  a->send("PUB " + reply2 + " 2\r\nr1\r\nPUB " + reply2 + " 2\r\nr2\r\n");
  received_by(*a);  // the responses are processed
  out += "responder A:\n" + sorted_records(without_hmsg_sizes(normalized(received_by(*a))));
  out += "requester B:\n" + sorted_records(received_by(*b));
  return out;
}

TEST(ImportsE2E, StreamAndServiceImportsBehaveAsInNatsServer) {
  const std::string ours = imports_transcript(gnatsd_binary());
  const std::string theirs = imports_transcript(nats_server_binary());
  EXPECT_EQ(ours, theirs);
  // The facts, spelled out: B reads public.* under its prefix (and C under its own name),
  // only C reads the private export, A sees who asked, a singleton gets one answer.
  EXPECT_NE(ours.find("MSG pfx.public.x 1 2\nhi\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("MSG got.x 1 2\nhi\nMSG priv.y 1 2\nyo\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("Nats-Request-Info: {\"acc\":\"B\",\"rtt\":<rtt>}"), std::string::npos)
      << ours;
  EXPECT_NE(ours.find("MSG inbox.b 3 4\nresp\n"), std::string::npos) << ours;
  EXPECT_EQ(ours.find("resp2"), std::string::npos) << ours;
  EXPECT_NE(ours.find("MSG inbox.b 3 2\nr1\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("MSG inbox.b 3 2\nr2\n"), std::string::npos) << ours;
}

// Requests and streams cross accounts and servers at once: a gnatsd and a nats-server node
// with the same accounts, the requester on one, the responder on the other, both ways.
TEST(ImportsE2E, ServiceAndStreamImportsWorkAcrossAMixedCluster) {
  const int ours_client = free_port(), theirs_client = free_port();
  const int ours_cluster = free_port(), theirs_cluster = free_port();
  const std::string cluster = "cluster { name: imp, listen: 127.0.0.1:";
  server_process theirs{
      nats_server_binary(),
      {"-c", write_config("imp_mixed_ns.conf",
                          imports_config(theirs_client,
                                         cluster + std::to_string(theirs_cluster) + " }\n"))}};
  server_process ours{
      gnatsd_binary(),
      {"-c",
       write_config("imp_mixed_gn.conf",
                    imports_config(ours_client, cluster + std::to_string(ours_cluster) +
                                                    ", routes: [nats://127.0.0.1:" +
                                                    std::to_string(theirs_cluster) + "] }\n")),
       "-D"}};
  ASSERT_TRUE(ours.wait_for_log("Route connection created"));
  for (auto [requester_side, responder_side] :
       {std::pair<server_process*, server_process*>{&ours, &theirs},
        std::pair<server_process*, server_process*>{&theirs, &ours}}) {
    // The responder: a libnats client in A answering svc.echo with its payload reversed.
    natsOptions* raw = nullptr;
    natsOptions_Create(&raw);
    opts_ptr opts{raw};
    natsOptions_SetURL(raw, responder_side->url().c_str());
    natsOptions_SetUserInfo(raw, "a", "a");
    natsConnection* rc = nullptr;
    ASSERT_EQ(natsConnection_Connect(&rc, raw), NATS_OK);
    conn_ptr responder{rc};
    auto requests = subscribe(responder.get(), "svc.echo");
    natsConnection_Flush(responder.get());
    natsOptions* rq = nullptr;
    natsOptions_Create(&rq);
    opts_ptr rq_opts{rq};
    natsOptions_SetURL(rq, requester_side->url().c_str());
    natsOptions_SetUserInfo(rq, "b", "b");
    natsConnection* qc = nullptr;
    ASSERT_EQ(natsConnection_Connect(&qc, rq), NATS_OK);
    conn_ptr requester{qc};
    // The responder's interest and the reply prefix cross the route asynchronously: retry.
    std::string answer;
    for (int attempt = 0; attempt < 100 && answer.empty(); ++attempt) {
      std::thread serve([&] {
        if (auto m = next(requests.get(), 500); m && natsMsg_GetReply(m.get()))
          natsConnection_PublishString(responder.get(), natsMsg_GetReply(m.get()),
                                       ("re:" + data_of(m)).c_str());
        natsConnection_Flush(responder.get());
      });
      natsMsg* reply = nullptr;
      if (natsConnection_RequestString(&reply, requester.get(), "echo", "ping", 500) == NATS_OK) {
        answer =
            std::string{natsMsg_GetData(reply), static_cast<size_t>(natsMsg_GetDataLength(reply))};
        natsMsg_Destroy(reply);
      }
      serve.join();
    }
    EXPECT_EQ(answer, "re:ping") << "requester on " << requester_side->pid();
    // A stream published in A on the responder's server reaches B under its prefix.
    auto stream = subscribe(requester.get(), "pfx.public.>");
    natsConnection_Flush(requester.get());
    std::string got;
    for (int attempt = 0; attempt < 100 && got.empty(); ++attempt) {
      natsConnection_PublishString(responder.get(), "public.news", "n");
      natsConnection_Flush(responder.get());
      if (auto m = next(stream.get(), 100)) got = natsMsg_GetSubject(m.get());
    }
    EXPECT_EQ(got, "pfx.public.news");
  }
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// A reload adds an account with an import and takes a user away: the new user logs in to
// the new account and reads the stream at once; the removed user's client is closed (with
// nothing written, as nats-server); the others keep their subscriptions.
TEST(AccountsE2E, AReloadAddsAndRemovesAccountsUsersAndImports) {
  const int port = free_port();
  const std::string before = "listen: 127.0.0.1:" + std::to_string(port) + R"(
accounts {
  A: { users: [{user: a, password: a}, {user: gone, password: gone}]
       exports: [{stream: "news.>"}] }
}
)";
  const std::string conf = write_config("acc_reload.conf", before);
  server_process s{gnatsd_binary(), {"-c", conf}};
  auto stays = subscriber(s.port(), "a", {"news.>"});
  auto leaves = subscriber(s.port(), "gone", {"news.>"});
  raw_client refused{s.port()};
  refused.send(connect_line("b") + "PING\r\n");
  EXPECT_NE(refused.read_until("Authorization Violation").find("Authorization Violation"),
            std::string::npos);
  std::ofstream{conf} << "listen: 127.0.0.1:" + std::to_string(port) + R"(
accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "news.>"}] }
  B: { users: [{user: b, password: b}],
       imports: [{stream: {account: A, subject: "news.>"}, prefix: "a"}] }
}
)";
  const size_t reloads = count_of(s.log(), "Reloaded server configuration");
  ::kill(s.pid(), SIGHUP);
  for (int i = 0; i < 500 && count_of(s.log(), "Reloaded server configuration") == reloads; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  ASSERT_GT(count_of(s.log(), "Reloaded server configuration"), reloads) << s.log();
  EXPECT_TRUE(leaves->wait_closed());
  auto newcomer = subscriber(s.port(), "b", {"a.news.>"});
  publish_as(s.port(), "a", "news.today", "x");
  EXPECT_EQ(received_by(*newcomer), "MSG a.news.today 1 1\nx\n");
  EXPECT_NE(received_by(*stays).find("MSG news.today 1 1\nx\n"), std::string::npos);
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// /accountz and /accstatz on the imports config, beside nats-server's: the same accounts,
// and for each account the same exports and imports (nats-server adds its system
// account's service imports, which gnatsd does not have yet: left out of the comparison),
// the same connections per account.
nlohmann::json accountz_of(const std::string& binary, const std::vector<std::string>& queries) {
  const int port = free_port(), http = free_port();
  server_process s{
      binary,
      {"-c", write_config("accz_" + std::to_string(port) + ".conf",
                          imports_config(port, "http: 127.0.0.1:" + std::to_string(http) + "\n"))}};
  auto a = subscriber(s.port(), "a", {"x"});
  publish_as(s.port(), "a2", "x", "hello");
  received_by(*a);
  nlohmann::json out;
  for (const auto& q : queries) {
    auto j = nlohmann::json::parse(http_get(s.http_port(), q));
    j.erase("server_id");
    j.erase("now");
    // nats-server lists accounts and exports in its maps' (random) order: compare sorted.
    if (j.contains("accounts")) std::sort(j["accounts"].begin(), j["accounts"].end());
    // Traffic per account is counted differently (see docs/COMPATIBILITY.md).
    if (j.contains("account_statz"))
      for (auto& a : j["account_statz"]) {
        a.erase("sent");
        a.erase("received");
      }
    if (j.contains("account_detail")) {
      auto& d = j["account_detail"];
      d.erase("update_time");
      d.erase("sublist_stats");
      d.erase("subscriptions");  // nats-server counts its system imports' subscriptions too
      if (d.contains("exports")) std::sort(d["exports"].begin(), d["exports"].end());
      if (d.contains("imports")) {
        auto& imports = d["imports"];
        for (auto it = imports.begin(); it != imports.end();)
          it = (*it)["account"] == "$SYS" ? imports.erase(it) : it + 1;
        std::sort(imports.begin(), imports.end());
        if (imports.empty()) d.erase("imports");
      }
    }
    out[q] = j;
  }
  return out;
}

TEST(AccountsE2E, AccountzAndAccstatzAnswerAsNatsServer) {
  const std::vector<std::string> queries = {"/accountz", "/accountz?acc=A", "/accountz?acc=B",
                                            "/accountz?acc=C", "/accstatz"};
  const auto ours = accountz_of(gnatsd_binary(), queries);
  const auto theirs = accountz_of(nats_server_binary(), queries);
  for (const auto& q : queries)
    EXPECT_EQ(ours[q].dump(2), theirs[q].dump(2)) << q;
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// The NATS documentation's example user pair: the seed signs, the public key is configured.
constexpr const char* doc_seed = "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY";
constexpr const char* doc_user = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";

natsStatus connect_with_seed(const server_process& s, const std::string& seed_file, conn_ptr& out) {
  natsOptions* raw = nullptr;
  natsOptions_Create(&raw);
  opts_ptr opts{raw};
  natsOptions_SetURL(raw, s.url().c_str());
  natsOptions_SetMaxReconnect(raw, 0);
  natsOptions_SetTimeout(raw, 10000);  // libnats's 2 s is short on a loaded machine
  natsOptions_SetNKeyFromSeed(raw, doc_user, seed_file.c_str());
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, raw);
  out.reset(nc);
  return st;
}

// An nkey user of account A signs the INFO's nonce with its seed (libnats does it); the
// server checks the Ed25519 signature and logs it in to A. A client that names the key but
// cannot sign is refused. Both servers, the same config and client.
void nkey_login(const std::string& binary) {
  const int port = free_port();
  const std::string conf = "listen: 127.0.0.1:" + std::to_string(port) +
                           "\naccounts { A: { users: [{nkey: " + doc_user +
                           "}, {user: a, password: a}] } }\n";
  server_process s{binary, {"-c", write_config("nkey_" + std::to_string(port) + ".conf", conf)}};
  const std::string seed_file = write_config("nkey_" + std::to_string(port) + ".seed", doc_seed);
  raw_client greeting{s.port()};
  const std::string info = greeting.read_until("\r\n");
  EXPECT_NE(info.find("\"nonce\":\""), std::string::npos) << binary << ": " << info;
  conn_ptr nc;
  const natsStatus connected = connect_with_seed(s, seed_file, nc);
  ASSERT_EQ(connected, NATS_OK) << binary << ": " << natsStatus_GetText(connected) << "\n"
                                << nats_GetLastError(nullptr) << "\n"
                                << s.log();
  auto sub = subscribe(nc.get(), "in.a");
  natsConnection_Flush(nc.get());
  publish_as(s.port(), "a", "in.a", "hello");  // account A's password user
  auto m = next(sub.get());
  ASSERT_TRUE(m) << binary;
  EXPECT_EQ(data_of(m), "hello");
  raw_client forger{s.port()};
  forger.read_until("\r\n");
  forger.send(std::string{"CONNECT {\"nkey\":\""} + doc_user +
              "\",\"sig\":\"AAAA\",\"verbose\":false}\r\nPING\r\n");
  EXPECT_NE(forger.read_until("Authorization Violation").find("-ERR 'Authorization Violation'"),
            std::string::npos)
      << binary;
}

TEST(AccountsE2E, NkeyUsersLogInBySignatureAsWithNatsServer) {
  nkey_login(gnatsd_binary());
  nkey_login(nats_server_binary());
}

}  // namespace
}  // namespace gnatsd::testing

namespace gnatsd::testing {
namespace {

// Account `limits` and `nkey` on the same config and transcript as nats-server: the
// client told the account's lower max_payload by INFO, a second client over the account's
// connections refused, a third subscription refused, a payload over the account's limit
// closing the client.
std::string limits_transcript(const std::string& binary) {
  const int port = free_port();
  server_process s{binary,
                   {"-c", write_config("acc_limits_" + std::to_string(port) + ".conf",
                                       "listen: 127.0.0.1:" + std::to_string(port) + R"(
accounts { A: { users: [{user: a, password: a}]
                nkey: ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA
                limits: {max_connections: 1, max_subscriptions: 2, max_payload: 10} } }
)")}};
  const std::string login =
      "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"a\",\"protocol\":1}\r\nPING\r\n";
  raw_client first{s.port()};
  first.send(login);
  const std::string greeted = first.read_until("\"max_payload\":10,");
  std::string out = greeted.find("\"max_payload\":10,") != std::string::npos
                        ? "told max_payload 10\n"
                        : "not told\n";
  raw_client second{s.port()};
  second.send(login);
  second.wait_closed();
  const auto& refused = second.received();
  out += refused.substr(refused.find("-ERR"));
  first.send("SUB x 1\r\nSUB y 2\r\nSUB z 3\r\nPING\r\n");
  const std::string subs = first.read_until("-ERR");
  out +=
      subs.substr(subs.find("-ERR"), subs.find("\r\n", subs.find("-ERR")) + 2 - subs.find("-ERR"));
  first.send("PUB x 11\r\n01234567890\r\n");
  first.wait_closed();
  const auto& closed = first.received();
  out += closed.substr(closed.rfind("-ERR"));
  return out;
}

TEST(AccountsE2E, AccountLimitsAndNkeyAsNatsServer) {
  const std::string theirs = limits_transcript(nats_server_binary());
  EXPECT_EQ(theirs,
            "told max_payload 10\n-ERR 'maximum account active connections exceeded'\r\n"
            "-ERR 'maximum subscriptions exceeded'\r\n-ERR 'Maximum Payload Violation'\r\n");
  EXPECT_EQ(limits_transcript(gnatsd_binary()), theirs);
}

}  // namespace
}  // namespace gnatsd::testing
