// A subject mapping's transform (`mappings { "src": "dest" }`), as nats-server 2.9 builds
// and applies it: the destination takes the source's wildcards by `$n` or
// `{{wildcard(n)}}`, and may reshape them with `{{partition(n, i...)}}` (FNV-1a hash of the
// tokens, modulo n: the same partition on every server), `{{splitFromLeft(i, pos)}}`,
// `{{splitFromRight(i, pos)}}`, `{{sliceFromLeft(i, size)}}`, `{{sliceFromRight(i, size)}}`
// and `{{split(i, delimiter)}}`; a trailing `>` carries the source's. Refused destinations get
// nats-server's error texts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gnatsd {

class subject_transform {
 public:
  /// The transform from `source` to `destination`, or nothing with `error` set.
  static std::optional<subject_transform> make(std::string_view source,
                                               std::string_view destination, std::string& error);

  const std::string& source() const { return source_; }
  /// Whether the (literal) `subject` is one the source matches.
  bool matches(std::string_view subject) const;
  /// Writes the destination of a subject the source matches into `out`.
  void apply(std::string_view subject, std::string& out) const;

  enum class kind {
    literal,
    wildcard,
    partition,
    split_left,
    split_right,
    slice_left,
    slice_right,
    split,
    rest
  };

 private:
  struct part {
    kind what = kind::literal;
    std::string text;            // a literal; split's delimiter
    std::vector<int> wildcards;  // 1-based source wildcard numbers
    int number = 0;              // partitions, position or slice size
  };
  std::string source_;
  std::vector<std::string> source_tokens_;
  std::vector<part> parts_;
};

}  // namespace gnatsd
