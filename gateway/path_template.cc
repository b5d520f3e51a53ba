#include "gateway/path_template.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wa::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

bool IsFieldPath(absl::string_view path) {
  if (path.empty()) return false;
  bool at_start = true;
  for (char c : path) {
    if (c == '.') {
      if (at_start) return false;
      at_start = true;
      continue;
    }
    if (at_start ? !IsIdentStart(c) : !IsIdentChar(c)) return false;
    at_start = false;
  }
  return !at_start;
}

// Recursive-descent parser over the template text; `pos_` only moves forward.
class Parser {
 public:
  Parser(absl::string_view text, std::vector<PathTemplate::Segment>* segments,
         std::vector<PathTemplate::Variable>* variables)
      : text_(text), segments_(segments), variables_(variables) {}

  absl::Status ParseSegments(bool inside_variable) {
    while (true) {
      if (absl::Status s = ParseSegment(inside_variable); !s.ok()) return s;
      if (pos_ < text_.size() && text_[pos_] == '/') {
        ++pos_;
        continue;
      }
      return absl::OkStatus();
    }
  }

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("path template \"", text_, "\": ", what, " at offset ", pos_));
  }

  absl::Status ParseSegment(bool inside_variable) {
    if (pos_ >= text_.size()) return Error("empty segment");
    if (text_.compare(pos_, 2, "**") == 0) {
      pos_ += 2;
      segments_->push_back({PathTemplate::SegmentKind::kMulti, {}});
      return absl::OkStatus();
    }
    if (text_[pos_] == '*') {
      ++pos_;
      segments_->push_back({PathTemplate::SegmentKind::kSingle, {}});
      return absl::OkStatus();
    }
    if (text_[pos_] == '{') {
      if (inside_variable) return Error("nested variable");
      return ParseVariable();
    }
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '/' && text_[pos_] != '}') {
      char c = text_[pos_];
      if (c == '{' || c == '*' || c == '=') return Error("unexpected character in literal");
      ++pos_;
    }
    if (pos_ == start) return Error("empty segment");
    segments_->push_back(
        {PathTemplate::SegmentKind::kLiteral, PercentDecode(text_.substr(start, pos_ - start))});
    return absl::OkStatus();
  }

  absl::Status ParseVariable() {
    ++pos_;  // '{'
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '=' && text_[pos_] != '}') ++pos_;
    if (pos_ >= text_.size()) return Error("unterminated variable");
    std::string field_path(text_.substr(start, pos_ - start));
    if (!IsFieldPath(field_path)) return Error(absl::StrCat("bad field path '", field_path, "'"));
    size_t first = segments_->size();
    if (text_[pos_] == '=') {
      ++pos_;
      if (absl::Status s = ParseSegments(/*inside_variable=*/true); !s.ok()) return s;
    } else {
      segments_->push_back({PathTemplate::SegmentKind::kSingle, {}});
    }
    if (pos_ >= text_.size() || text_[pos_] != '}') return Error("expected '}'");
    ++pos_;
    variables_->push_back({std::move(field_path), first, segments_->size()});
    return absl::OkStatus();
  }

  absl::string_view text_;
  std::vector<PathTemplate::Segment>* segments_;
  std::vector<PathTemplate::Variable>* variables_;
  size_t pos_ = 0;
};

}  // namespace

std::string PercentDecode(absl::string_view in, bool keep_slash) {
  if (in.find('%') == absl::string_view::npos) return std::string(in);
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char c = static_cast<char>(hi * 16 + lo);
        if (!(keep_slash && c == '/')) {
          out.push_back(c);
          i += 2;
          continue;
        }
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

RequestPath::RequestPath(absl::string_view raw_path) {
  if (!raw_path.empty() && raw_path.front() == '/') raw_path.remove_prefix(1);
  // A single trailing slash is tolerated: "/conversations/" means "/conversations".
  if (!raw_path.empty() && raw_path.back() == '/') raw_path.remove_suffix(1);
  storage_ = std::string(raw_path);
  absl::string_view rest = storage_;
  if (rest.empty()) return;
  while (true) {
    size_t slash = rest.find('/');
    absl::string_view seg = rest.substr(0, slash);
    raw_.push_back(seg);
    decoded_.push_back(PercentDecode(seg));
    if (slash == absl::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("path template \"", text, "\": must start with '/'"));
  }
  absl::string_view body = text.substr(1);
  // The verb is a ':' after the last '/' and after any closing '}', so that
  // a ':' inside a variable's pattern is never mistaken for it.
  size_t tail = body.find_last_of("/}");
  size_t colon = body.find(':', tail == absl::string_view::npos ? 0 : tail);
  if (colon != absl::string_view::npos) {
    t.verb_ = std::string(body.substr(colon + 1));
    if (t.verb_.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": empty verb"));
    }
    body = body.substr(0, colon);
  }
  if (!body.empty()) {
    Parser parser(body, &t.segments_, &t.variables_);
    if (absl::Status s = parser.ParseSegments(/*inside_variable=*/false); !s.ok()) return s;
    if (!parser.AtEnd()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path template \"", text, "\": trailing characters at offset ", parser.pos() + 1));
    }
  }
  for (size_t i = 0; i < t.segments_.size(); ++i) {
    if (t.segments_[i].kind == SegmentKind::kMulti && i + 1 != t.segments_.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("path template \"", text, "\": '**' must be the last segment"));
    }
  }
  t.ends_with_multi_ = !t.segments_.empty() && t.segments_.back().kind == SegmentKind::kMulti;
  absl::flat_hash_set<std::string> seen;
  for (const Variable& v : t.variables_) {
    if (!seen.insert(v.field_path).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("path template \"", text, "\": variable '", v.field_path, "' bound twice"));
    }
  }
  return t;
}

bool PathTemplate::Match(absl::string_view raw_path, PathBindings* bindings) const {
  return Match(RequestPath(raw_path), bindings);
}

bool PathTemplate::Match(const RequestPath& path, PathBindings* bindings) const {
  const size_t n = segments_.size();
  const size_t fixed = ends_with_multi_ ? n - 1 : n;
  if (ends_with_multi_ ? path.size() < fixed : path.size() != n) return false;
  if (path.size() == 0 && !verb_.empty()) return false;

  // With a verb, the last request segment carries ":verb"; match without it.
  const size_t last = path.size() == 0 ? 0 : path.size() - 1;
  absl::string_view last_raw = path.size() == 0 ? absl::string_view() : path.raw(last);
  std::string last_decoded;
  if (!verb_.empty()) {
    if (last_raw.size() < verb_.size() + 1 ||
        last_raw.substr(last_raw.size() - verb_.size() - 1) != absl::StrCat(":", verb_)) {
      return false;
    }
    last_raw.remove_suffix(verb_.size() + 1);
    last_decoded = PercentDecode(last_raw);
  }
  auto raw_at = [&](size_t i) { return !verb_.empty() && i == last ? last_raw : path.raw(i); };
  auto decoded_at = [&](size_t i) -> const std::string& {
    return !verb_.empty() && i == last ? last_decoded : path.decoded(i);
  };

  for (size_t i = 0; i < fixed; ++i) {
    const Segment& seg = segments_[i];
    if (seg.kind == SegmentKind::kLiteral) {
      if (decoded_at(i) != seg.literal) return false;
    } else if (raw_at(i).empty()) {
      return false;  // "//" never binds an empty id
    }
  }
  if (bindings == nullptr) return true;

  for (const Variable& v : variables_) {
    const bool single = v.end - v.begin == 1 && segments_[v.begin].kind == SegmentKind::kSingle;
    if (single) {
      bindings->emplace_back(v.field_path, decoded_at(v.begin));
      continue;
    }
    const size_t end =
        (v.end == n && ends_with_multi_) ? path.size() : std::min(v.end, path.size());
    std::string joined;
    for (size_t i = v.begin; i < end; ++i) {
      if (i > v.begin) joined.push_back('/');
      absl::StrAppend(&joined, raw_at(i));
    }
    bindings->emplace_back(v.field_path, PercentDecode(joined, /*keep_slash=*/true));
  }
  return true;
}

int PathTemplate::ComparePrecedence(const PathTemplate& other) const {
  const size_t common = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < common; ++i) {
    int a = static_cast<int>(segments_[i].kind);
    int b = static_cast<int>(other.segments_[i].kind);
    if (a != b) return a - b;
  }
  // A template with a verb is the more specific one.
  if (verb_.empty() != other.verb_.empty()) return verb_.empty() ? 1 : -1;
  // Otherwise the longer template (fewer segments swallowed by "**") wins.
  if (segments_.size() != other.segments_.size()) {
    return segments_.size() > other.segments_.size() ? -1 : 1;
  }
  return 0;
}

}  // namespace wa::gateway
