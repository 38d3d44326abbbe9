// How subjects of one account read in another through an import: a stream import's `prefix`
// or `to`, a service import's `to`. `from` is the exporting account's side, `to` the
// importing account's; the wildcards of the two correspond in order (the first `*` of one to
// the first `*` of the other, `>` to `>`), as nats-server's subject transforms do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gnatsd {

class subject_mapping {
 public:
  /// `to` empty: the subjects read the same on both sides.
  subject_mapping(std::string from, std::string to);
  /// A stream import's `prefix`: "public.x" reads "<prefix>.public.x".
  static subject_mapping with_prefix(const std::string& from, const std::string& prefix);

  const std::string& from() const { return from_; }
  const std::string& to() const { return to_; }

  /// Whether `from` and `to` have the same wildcards (else no subject can be carried over).
  bool consistent() const;
  /// A subject matching `from` as it reads on the `to` side.
  std::string forward(std::string_view subject) const;
  /// The same into `out` (reused by the caller: no allocation once it has grown).
  void forward_into(std::string_view subject, std::string& out) const;
  /// A subject matching `to` as it reads on the `from` side.
  std::string backward(std::string_view subject) const;
  /// For an importer's subscription `sub`, the exporter-side subject whose messages it must
  /// receive: `sub` carried back when it lies within `to`, all of `from` when it covers `to`,
  /// and empty when the two do not overlap that way.
  std::string shadow_of(std::string_view sub) const;

 private:
  struct piece {
    std::string literal;  // the pattern's token ("*" or ">" for a wildcard)
    int source = -1;      // a wildcard: which token of the subject fills it
    bool tail = false;    // `>`: that token and all after it
  };
  static std::vector<piece> plan(const std::string& src, const std::string& dst);
  static void apply(const std::vector<piece>& plan, std::string_view subject, std::string& out);

  std::string from_, to_;
  std::vector<piece> forward_, backward_;  // computed once: subjects are carried per message
};

}  // namespace gnatsd
