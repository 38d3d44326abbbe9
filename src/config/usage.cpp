#include "config/usage.hpp"

#include <cctype>
#include <sstream>

namespace gnatsd {
namespace {

constexpr std::size_t name_column = 37;  // where descriptions start in the usage text
constexpr std::size_t line_width = 90;

std::string joined_names(const flag_doc& f) {
  std::string out;
  for (const char* n : f.names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Splits `text` into lines of at most `width` characters at spaces.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// "    -a, --addr, --net <host>         Bind to host address ...": short flags indented four,
// long-only flags eight, as nats-server's usage text does.
std::string usage_line(const flag_doc& f) {
  const bool has_short = f.names.front()[1] != '-';
  std::string head = std::string(has_short ? "    " : "        ") + joined_names(f);
  if (*f.argument != '\0') head += std::string(" ") + f.argument;
  const auto lines = wrap(f.description, line_width - name_column);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string left = i == 0 ? head : "";
    if (left.size() + 1 > name_column) {
      out += left + "\n";
      left.clear();
    }
    out += left + std::string(name_column - left.size(), ' ') + lines[i] + "\n";
  }
  return out;
}

// roff needs its hyphens escaped (`\-`) to print them as ASCII minus signs.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string man_flag_entry(const flag_doc& f) {
  std::string out = ".TP\n";
  bool first = true;
  for (const char* n : f.names) {
    out += first ? "" : ", ";
    out += "\\fB" + roff(n) + "\\fR";
    first = false;
  }
  if (*f.argument != '\0') out += std::string(" \\fI") + roff(f.argument) + "\\fR";
  return out + "\n" + roff(f.description) + "\n";
}

}  // namespace

const std::vector<flag_doc>& flag_docs() {
  static const std::vector<flag_doc> docs = {
      {"Server Options",
       {"-a", "--addr", "--net"},
       "<host>",
       "Bind to host address (default: 0.0.0.0)"},
      {"Server Options", {"-p", "--port"}, "<port>", "Use port for clients (default: 4222)"},
      {"Server Options",
       {"-n", "--name", "--server_name"},
       "<name>",
       "Server name (default: server id)"},
      {"Server Options", {"-P", "--pid"}, "<file>", "File to store PID"},
      {"Server Options",
       {"--ports_file_dir"},
       "<dir>",
       "Creates a ports file in the specified directory (<executable_name>_<pid>.ports)"},
      {"Server Options",
       {"--workers"},
       "<n>",
       "Worker threads, which also run network I/O (default: the cores the process may run on)"},
      {"Server Options", {"-m", "--http_port"}, "<port>", "Use port for http monitoring"},
      {"Server Options", {"-ms", "--https_port"}, "<port>", "Use port for https monitoring"},
      {"Server Options", {"-c", "--config"}, "<file>", "Configuration file"},
      {"Server Options", {"-t"}, "", "Test configuration and exit"},
      {"Server Options",
       {"-sl", "--signal"},
       "<signal>[=<pid>]",
       "Send signal to gnatsd process (stop, quit, reopen, reload, ldm, term); pid may be a "
       "pid file"},
      {"Logging Options", {"-l", "--log"}, "<file>", "File to redirect log output"},
      {"Logging Options", {"-T", "--logtime"}, "", "Timestamp log entries (default: true)"},
      {"Logging Options", {"-D"}, "", "Enable debugging output"},
      {"Logging Options", {"-V"}, "", "Trace the raw protocol"},
      {"Logging Options", {"-DV", "-VV", "-DVV"}, "", "Debug and trace"},
      {"Authorization Options", {"--user"}, "<user>", "User required for connections"},
      {"Authorization Options", {"--pass"}, "<password>", "Password required for connections"},
      {"Authorization Options",
       {"--auth"},
       "<token>",
       "Authorization token required for connections"},
      {"TLS Options", {"--tls"}, "", "Enable TLS, do not verify clients (default: false)"},
      {"TLS Options", {"--tlscert"}, "<file>", "Server certificate file"},
      {"TLS Options", {"--tlskey"}, "<file>", "Private key for server certificate"},
      {"TLS Options", {"--tlsverify"}, "", "Enable TLS, verify client certificates"},
      {"TLS Options", {"--tlscacert"}, "<file>", "Client certificate CA for verification"},
      {"Cluster Options", {"--routes"}, "<rurl-1, rurl-2>", "Routes to solicit and connect"},
      {"Cluster Options",
       {"--cluster", "--cluster_listen"},
       "<cluster-url>",
       "Cluster URL for solicited routes"},
      {"Cluster Options", {"--cluster_name"}, "<string>", "Cluster name (2.x)"},
      {"Cluster Options",
       {"--no_advertise"},
       "<bool>",
       "Do not advertise known cluster information to clients"},
      {"Cluster Options",
       {"--cluster_advertise"},
       "<string>",
       "Cluster URL to advertise to other servers"},
      {"Cluster Options",
       {"--connect_retries"},
       "<number>",
       "For implicit routes, number of connect retries"},
      {"Common Options", {"-h", "--help"}, "", "Show this message"},
      {"Common Options", {"-v", "--version"}, "", "Show version"},
  };
  return docs;
}

const std::vector<signal_doc>& signal_docs() {
  static const std::vector<signal_doc> docs = {
      {"SIGINT", "quit", "Stops the server gracefully"},
      {"SIGTERM", "term", "Stops the server gracefully"},
      {"SIGKILL", "stop", "Kills the process immediately"},
      {"SIGUSR1", "reopen", "Reopens the log file for log rotation"},
      {"SIGHUP", "reload", "Reloads the configuration file"},
      {"SIGUSR2", "ldm",
       "Stops the server after evicting all clients (lame duck mode, lame_duck_duration)"},
  };
  return docs;
}

const std::string& usage_text() {
  static const std::string text = [] {
    std::string out = "Usage: gnatsd [options]\n";
    std::string section;
    for (const auto& f : flag_docs()) {
      if (section != f.section) {
        section = f.section;
        out += "\n" + section + ":\n";
      }
      out += usage_line(f);
    }
    return out +
           "\nLong flags may be written with one dash or two (-config, --config), as with "
           "nats-server.\n";
  }();
  return text;
}

std::string man_page(const std::string& version) {
  std::string out = ".TH GNATSD 8 \"\" \"gnatsd " + roff(version) +
                    "\" \"System Administration\"\n"
                    ".SH NAME\ngnatsd \\- NATS messaging server, a drop\\-in for nats\\-server\n"
                    ".SH SYNOPSIS\n.B gnatsd\n[\\fIoptions\\fR]\n"
                    ".SH DESCRIPTION\n"
                    "\\fBgnatsd\\fR is a NATS server: the NATS client protocol and the cluster "
                    "(route) protocol of nats\\-server 2.9, so that NATS clients connect to it "
                    "unchanged and it clusters with other gnatsd and nats\\-server nodes.\n"
                    ".PP\nFlags override the configuration file. Long flags may be written "
                    "with one dash or two (\\fB\\-config\\fR, \\fB\\-\\-config\\fR), as with "
                    "nats\\-server; short flags also take \\fB\\-X=value\\fR.\n";
  std::string section;
  for (const auto& f : flag_docs()) {
    if (section != f.section) {
      section = f.section;
      std::string heading = section;
      for (char& c : heading)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out += ".SH " + roff(heading) + "\n";
    }
    out += man_flag_entry(f);
  }
  out +=
      ".SH SIGNALS\nA running server acts on these signals; \\fB\\-\\-signal\\fR "
      "\\fIcommand\\fR sends them.\n";
  for (const auto& s : signal_docs())
    out += std::string(".TP\n\\fB") + s.signal + "\\fR (\\fB\\-\\-signal " + s.command + "\\fR)\n" +
           roff(s.effect) + "\n";
  out +=
      ".SH FILES\n.TP\n\\fI/etc/gnatsd/gnatsd.conf\\fR\nThe configuration file read by the "
      "packaged service, in the NATS configuration format.\n"
      ".TP\n\\fI/run/gnatsd/gnatsd.pid\\fR\nThe packaged service's PID file.\n"
      ".SH CONFIGURATION\nThe configuration file uses the NATS format of nats\\-server 2.9 "
      "(\\fBkey: value\\fR, \\fB{}\\fR blocks, \\fB[]\\fR arrays, \\fBinclude\\fR, "
      "\\fB$variables\\fR); \\fBgnatsd \\-t \\-c\\fR \\fIfile\\fR checks one. An option "
      "nats\\-server accepts that gnatsd does not implement yet is refused by name; "
      "COMPATIBILITY.md lists them.\n"
      ".SH EXIT STATUS\n0 after SIGINT, after lame duck mode and for a valid \\fB\\-t\\fR "
      "check; 1 after SIGTERM (as nats\\-server 2.9) and for a bad flag or configuration.\n"
      ".SH SEE ALSO\n\\fBnats\\-server\\fR(8); /usr/share/doc/gnatsd/ (README.md, "
      "COMPATIBILITY.md)\n";
  return out;
}

}  // namespace gnatsd
