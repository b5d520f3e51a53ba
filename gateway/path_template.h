#ifndef WA_GATEWAY_PATH_TEMPLATE_H_
#define WA_GATEWAY_PATH_TEMPLATE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::gateway {

// Variables bound by a match, in template order: dotted field path -> value.
using PathBindings = std::vector<std::pair<std::string, std::string>>;

// A request path split once into segments, so that every template in a
// route table is matched against the same pre-split, pre-decoded pieces.
class RequestPath {
 public:
  // `raw_path` is the path as sent (percent-encoded, no query string).
  explicit RequestPath(absl::string_view raw_path);
  // Segments are views into `storage_`, so the object must stay put.
  RequestPath(const RequestPath&) = delete;
  RequestPath& operator=(const RequestPath&) = delete;

  size_t size() const { return raw_.size(); }
  absl::string_view raw(size_t i) const { return raw_[i]; }
  const std::string& decoded(size_t i) const { return decoded_[i]; }

 private:
  std::vector<absl::string_view> raw_;
  std::vector<std::string> decoded_;
  std::string storage_;
};

// A google.api.http path template:
//   Template = "/" Segments [ ":" Verb ]
//   Segment  = "*" | "**" | LITERAL | "{" FieldPath [ "=" Segments ] "}"
// `**` (matching zero or more segments) may only be the last segment.
class PathTemplate {
 public:
  enum class SegmentKind { kLiteral = 0, kSingle = 1, kMulti = 2 };
  struct Segment {
    SegmentKind kind;
    std::string literal;  // only for kLiteral
  };
  struct Variable {
    std::string field_path;
    size_t begin;  // first segment index bound
    size_t end;    // one past the last segment index bound
  };

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // True when `path` matches; then `bindings` (if not null) receives the
  // variables, single-segment values fully percent-decoded and
  // multi-segment values decoded except for "%2F" (as the spec requires).
  bool Match(const RequestPath& path, PathBindings* bindings) const;
  bool Match(absl::string_view raw_path, PathBindings* bindings) const;

  // Orders templates that match the same path: at the first segment where
  // they differ, literal beats `*` beats `**`. Returns <0, 0 or >0.
  int ComparePrecedence(const PathTemplate& other) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }

 private:
  PathTemplate() = default;

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
  bool ends_with_multi_ = false;
};

// Percent-decodes `in`; "%2F" stays encoded when `keep_slash` (multi-segment
// variables). Malformed escapes are kept verbatim rather than rejected.
std::string PercentDecode(absl::string_view in, bool keep_slash = false);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_PATH_TEMPLATE_H_
