// A parsed value of the NATS configuration format, with the position it came from so that
// errors can name file, line and column (nats-server's conf package has the same shape).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gnatsd::config {

struct position {
  std::shared_ptr<const std::string> file;  // shared: every value of a file points to it
  int line = 0;
  int column = 0;

  std::string describe() const;  // "file:line:column"
};

struct value {
  enum class kind { string, integer, floating, boolean, map, array };

  kind type = kind::string;
  position where;
  std::string str;
  int64_t integer = 0;
  double floating = 0;
  bool boolean = false;
  // Maps keep file order; keys are stored as written (options lower-case them when looking
  // them up, as nats-server does).
  std::vector<std::pair<std::string, value>> entries;
  std::vector<value> items;
  // Set on map entries that were referenced as $variables (those are not options).
  bool used_as_variable = false;

  const value* find(const std::string& lower_key) const;
  const char* kind_name() const;
};

}  // namespace gnatsd::config
