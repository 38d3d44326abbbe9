#include "config/config_parser.hpp"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gnatsd::config {

std::string position::describe() const {
  return (file ? *file : std::string{"<config>"}) + ":" + std::to_string(line) + ":" +
         std::to_string(column);
}

const value* value::find(const std::string& lower_key) const {
  for (const auto& [k, v] : entries) {
    if (k.size() != lower_key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) == lower_key[i];
    if (same) return &v;
  }
  return nullptr;
}

const char* value::kind_name() const {
  switch (type) {
    case kind::string:
      return "string";
    case kind::integer:
      return "integer";
    case kind::floating:
      return "float";
    case kind::boolean:
      return "bool";
    case kind::map:
      return "map";
    case kind::array:
      return "array";
  }
  return "?";
}

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw parse_error{path + ": cannot open configuration file"};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string{"."} : path.substr(0, slash);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Ends a bare (unquoted) key.
bool ends_key(char c) {
  return is_blank(c) || c == '\n' || c == ':' || c == '=' || c == '{' || c == '[';
}

// Ends a bare value.
bool ends_value(char c) {
  return is_blank(c) || c == '\n' || c == ',' || c == ';' || c == '}' || c == ']' || c == '#';
}

struct suffix {
  const char* text;
  int64_t multiplier;
};

// Size suffixes of nats-server 2.x, lower case; longest first so "kb" wins over "k".
constexpr suffix suffixes[] = {
    {"kib", 1LL << 10}, {"mib", 1LL << 20}, {"gib", 1LL << 30},  {"tib", 1LL << 40},
    {"kb", 1LL << 10},  {"mb", 1LL << 20},  {"gb", 1LL << 30},   {"tb", 1LL << 40},
    {"ki", 1LL << 10},  {"mi", 1LL << 20},  {"gi", 1LL << 30},   {"ti", 1LL << 40},
    {"k", 1000LL},      {"m", 1000000LL},   {"g", 1000000000LL}, {"t", 1000000000000LL},
};

class parser {
 public:
  parser(std::string text, std::string name, std::string dir, int depth)
      : text_(std::move(text)),
        file_(std::make_shared<const std::string>(std::move(name))),
        dir_(std::move(dir)),
        depth_(depth) {}

  value parse_top() {
    value top = make(value::kind::map);
    skip_space_and_comments();
    if (peek() == '{') {
      // The whole file may be wrapped in braces.
      advance();
      parse_entries(top, '}');
      expect('}');
    } else {
      parse_entries(top, '\0');
    }
    skip_space_and_comments();
    if (!at_end()) fail("unexpected '" + std::string(1, peek()) + "'");
    return top;
  }

  // Enclosing maps, innermost last, for $variable lookup.
  std::vector<value*> scopes;

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  position here() const { return position{file_, line_, static_cast<int>(pos_ - line_start_) + 1}; }

  [[noreturn]] void fail(const std::string& what) const {
    throw parse_error{here().describe() + ": " + what};
  }

  value make(value::kind k) const {
    value v;
    v.type = k;
    v.where = here();
    return v;
  }

  void expect(char c) {
    if (peek() != c) fail(std::string{"expected '"} + c + "'");
    advance();
  }

  void skip_comment() {
    while (!at_end() && peek() != '\n')
      advance();
  }

  bool at_comment() const { return peek() == '#' || (peek() == '/' && peek(1) == '/'); }

  void skip_blanks() {
    while (!at_end() && is_blank(peek()))
      advance();
  }

  // Skips whitespace, newlines, comments and the optional separators `,` and `;`.
  void skip_space_and_comments() {
    for (;;) {
      skip_blanks();
      if (at_comment()) {
        skip_comment();
      } else if (peek() == '\n' || peek() == ',' || peek() == ';') {
        advance();
      } else {
        return;
      }
    }
  }

  std::string parse_quoted() {
    const char quote = peek();
    advance();
    std::string out;
    while (!at_end() && peek() != quote) {
      char c = peek();
      if (c == '\n') fail("unterminated string");
      if (quote == '"' && c == '\\') {
        advance();
        const char e = peek();
        switch (e) {
          case 't':
            out += '\t';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case 'x': {
            const std::string hex = text_.substr(pos_ + 1, 2);
            if (hex.size() != 2 || !std::isxdigit(static_cast<unsigned char>(hex[0])) ||
                !std::isxdigit(static_cast<unsigned char>(hex[1])))
              fail("invalid \\x escape");
            out += static_cast<char>(std::strtol(hex.c_str(), nullptr, 16));
            advance();
            advance();
            break;
          }
          default:
            fail(std::string{"invalid escape '\\"} + e + "'");
        }
        advance();
        continue;
      }
      out += c;
      advance();
    }
    if (at_end()) fail("unterminated string");
    advance();
    return out;
  }

  std::string parse_key() {
    if (peek() == '"' || peek() == '\'') return parse_quoted();
    std::string key;
    while (!at_end() && !ends_key(peek())) {
      key += peek();
      advance();
    }
    if (key.empty()) fail("expected a key");
    return key;
  }

  void parse_entries(value& map, char closer) {
    scopes.push_back(&map);
    for (;;) {
      skip_space_and_comments();
      if (at_end()) {
        if (closer != '\0') fail(std::string{"missing '"} + closer + "'");
        break;
      }
      if (peek() == closer) break;
      const position key_at = here();
      std::string key = parse_key();
      skip_blanks();
      if (key == "include" && peek() != ':' && peek() != '=') {
        include(key_at, map);
        continue;
      }
      if (peek() == ':' || peek() == '=') {
        advance();
        skip_blanks();
      }
      if (at_end() || peek() == '\n') fail("missing value for key \"" + key + "\"");
      value v = parse_value();
      v.where = key_at;
      map.entries.emplace_back(std::move(key), std::move(v));
    }
    scopes.pop_back();
  }

  void include(const position& at, value& into) {
    std::string path;
    if (peek() == '"' || peek() == '\'') {
      path = parse_quoted();
    } else {
      while (!at_end() && !ends_value(peek())) {
        path += peek();
        advance();
      }
    }
    if (path.empty()) throw parse_error{at.describe() + ": include needs a file name"};
    if (depth_ > 16) throw parse_error{at.describe() + ": includes nested too deeply"};
    const std::string full = path[0] == '/' ? path : dir_ + "/" + path;
    std::string text;
    try {
      text = read_file(full);
    } catch (const parse_error&) {
      throw parse_error{at.describe() + ": error opening include file \"" + full + "\""};
    }
    parser inner{std::move(text), full, dir_of(full), depth_ + 1};
    inner.scopes = scopes;
    value included = inner.parse_top();
    for (auto& entry : included.entries)
      into.entries.push_back(std::move(entry));
  }

  value parse_value() {
    const char c = peek();
    if (c == '{') {
      value m = make(value::kind::map);
      advance();
      parse_entries(m, '}');
      expect('}');
      return m;
    }
    if (c == '[') return parse_array();
    if (c == '"' || c == '\'') {
      value s = make(value::kind::string);
      s.str = parse_quoted();
      return s;
    }
    const position at = here();
    std::string word;
    while (!at_end() && !ends_value(peek())) {
      if (peek() == '/' && peek(1) == '/' && word.empty()) break;
      word += peek();
      advance();
    }
    if (word.empty()) fail("expected a value");
    if (word[0] == '$' && word.size() > 1 && !is_bcrypt(word)) return lookup(word.substr(1), at);
    value v = classify(word, at);
    return v;
  }

  static bool is_bcrypt(const std::string& w) {
    return w.size() > 4 && w[0] == '$' && w[1] == '2' && w[3] == '$';
  }

  value parse_array() {
    value a = make(value::kind::array);
    advance();
    for (;;) {
      skip_space_and_comments();
      if (at_end()) fail("missing ']'");
      if (peek() == ']') {
        advance();
        return a;
      }
      a.items.push_back(parse_value());
    }
  }

  value lookup(const std::string& name, const position& at) {
    for (auto s = scopes.rbegin(); s != scopes.rend(); ++s) {
      for (auto e = (*s)->entries.rbegin(); e != (*s)->entries.rend(); ++e) {
        if (e->first != name) continue;
        e->second.used_as_variable = true;
        value copy = e->second;
        copy.used_as_variable = false;
        return copy;
      }
    }
    if (const char* env = std::getenv(name.c_str())) {
      // Environment values are parsed as config values, as nats-server does.
      parser inner{env, "$" + name, dir_, depth_ + 1};
      inner.skip_blanks();
      value v = inner.parse_value();
      v.where = at;
      return v;
    }
    throw parse_error{at.describe() + ": variable reference for '" + name + "' on line " +
                      std::to_string(at.line) + " can not be found"};
  }

  value classify(const std::string& word, const position& at) const {
    value v;
    v.where = at;
    std::string lower;
    for (char ch : word)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == "true" || lower == "yes" || lower == "on") {
      v.type = value::kind::boolean;
      v.boolean = true;
      return v;
    }
    if (lower == "false" || lower == "no" || lower == "off") {
      v.type = value::kind::boolean;
      return v;
    }
    size_t i = (lower[0] == '-') ? 1 : 0;
    const size_t digits_start = i;
    while (i < lower.size() && std::isdigit(static_cast<unsigned char>(lower[i])))
      ++i;
    if (i == digits_start) return as_string(v, word);
    const std::string number = lower.substr(0, i);
    if (i == lower.size()) {
      v.type = value::kind::integer;
      v.integer = checked_integer(number, 1, at);
      return v;
    }
    if (lower[i] == '.') {
      size_t j = i + 1;
      while (j < lower.size() && std::isdigit(static_cast<unsigned char>(lower[j])))
        ++j;
      if (j == i + 1 || j != lower.size()) return as_string(v, word);  // an IP address, say
      v.type = value::kind::floating;
      v.floating = std::strtod(lower.c_str(), nullptr);
      return v;
    }
    const std::string rest = lower.substr(i);
    for (const auto& s : suffixes) {
      if (rest != s.text) continue;
      v.type = value::kind::integer;
      v.integer = checked_integer(number, s.multiplier, at);
      return v;
    }
    return as_string(v, word);  // e.g. "10s": a duration string
  }

  // The decimal `digits` times `multiplier`, or a parse error when it does not fit in 64 bits
  // (UBSan found the overflow through fuzz_config).
  static int64_t checked_integer(const std::string& digits, int64_t multiplier,
                                 const position& at) {
    errno = 0;
    const long long n = std::strtoll(digits.c_str(), nullptr, 10);
    const bool overflow = errno == ERANGE || (n > 0 && n > INT64_MAX / multiplier) ||
                          (n < 0 && n < INT64_MIN / multiplier);
    if (overflow) throw parse_error{at.describe() + ": integer value out of range"};
    return static_cast<int64_t>(n) * multiplier;
  }

  static value as_string(value& v, const std::string& word) {
    v.type = value::kind::string;
    v.str = word;
    return v;
  }

  std::string text_;
  std::shared_ptr<const std::string> file_;
  std::string dir_;
  int depth_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

value parse_string(const std::string& text, const std::string& name, const std::string& dir) {
  parser p{text, name, dir, 0};
  return p.parse_top();
}

value parse_file(const std::string& path) {
  return parse_string(read_file(path), path, dir_of(path));
}

}  // namespace gnatsd::config
