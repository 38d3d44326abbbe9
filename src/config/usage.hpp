// What gnatsd's flags and signals are, written down once: `gnatsd -h` and the gnatsd(8) man
// page are both rendered from these tables, so the two cannot drift apart. A unit test checks
// that the tables and the command-line parser name the same flags.
#pragma once

#include <string>
#include <vector>

namespace gnatsd {

struct flag_doc {
  const char* section;             // "Server Options", ...
  std::vector<const char*> names;  // as written in the usage text: "-a", "--addr", "--net"
  const char* argument;            // "<host>", or "" for a switch
  const char* description;         // one sentence; the usage text wraps it
};

struct signal_doc {
  const char* signal;   // "SIGHUP"
  const char* command;  // its --signal name, "" when there is none
  const char* effect;
};

/// Every flag gnatsd accepts, in the order `-h` lists them.
const std::vector<flag_doc>& flag_docs();

/// Every signal a running gnatsd acts on.
const std::vector<signal_doc>& signal_docs();

/// The usage text printed by -h and after a bad flag.
const std::string& usage_text();

/// The gnatsd(8) manual page in roff (man(7) macros).
std::string man_page(const std::string& version);

}  // namespace gnatsd
