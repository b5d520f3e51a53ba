// Request assembly from the three places REST puts a request's fields: the
// body, the query string and the path.
#include "gateway/json_transcoder.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/field_errors.h"
#include "gateway/field_path.h"
#include "gateway/field_store.h"
#include "gateway/required_fields.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

using FieldChain = std::vector<const FieldDescriptor*>;

std::string CanonicalPath(const FieldChain& chain) {
  return absl::StrJoin(chain, ".",
                       [](std::string* out, const FieldDescriptor* f) { out->append(f->name()); });
}

absl::Status StoreAt(const FieldChain& chain, absl::string_view value, Message* message) {
  Message* m = message;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, chain[i]);
  }
  const FieldDescriptor* leaf = chain.back();
  absl::Status s = leaf->is_map() ? absl::InvalidArgumentError("a map cannot be set from the URL")
                                  : StoreFromText(m, leaf, value);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat(CanonicalPath(chain), ": ", s.message()));
}

absl::Status MergeBody(absl::string_view body_rule, absl::string_view body, Message* message) {
  if (body_rule.empty()) return absl::OkStatus();
  if (body_rule == "*") return MergeJsonText(body, message);
  const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(std::string(body_rule));
  if (field == nullptr) {
    return absl::InternalError(absl::StrCat("body field ", body_rule, " does not exist"));
  }
  if (body.find_first_not_of(" \t\r\n") == absl::string_view::npos) return absl::OkStatus();
  absl::StatusOr<nlohmann::json> parsed = ParseJsonText(body);
  if (!parsed.ok()) return parsed.status();
  return MergeJsonIntoField(*parsed, field, message);
}

bool BoundByPath(const std::string& canonical, const PathBindings& bindings) {
  for (const auto& [path, value] : bindings) {
    if (path == canonical) return true;
  }
  return false;
}

// The query string may name any field the path and the body do not hold.
absl::Status UnknownQueryParameter(absl::string_view key, absl::string_view body_rule,
                                   const PathBindings& bindings, const Message& message) {
  std::vector<std::string> known;
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const std::string& name = d->field(i)->name();
    if (name != body_rule && !BoundByPath(name, bindings)) known.push_back(name);
  }
  return UnknownFieldError(key, "query string", known);
}

absl::Status ApplyQuery(absl::string_view body_rule, const QueryParams& query,
                        const PathBindings& bindings, Message* message) {
  for (auto it = query.begin(); it != query.end();) {
    const std::string& key = it->first;
    auto group_end = query.upper_bound(key);
    absl::StatusOr<FieldChain> chain = ResolveFieldPath(message->GetDescriptor(), key);
    if (!chain.ok()) return UnknownQueryParameter(key, body_rule, bindings, *message);
    const std::string canonical = CanonicalPath(*chain);
    // The path's value wins, and the body field belongs to the body alone.
    const bool skip = BoundByPath(canonical, bindings) ||
                      (!body_rule.empty() && chain->front()->name() == body_rule);
    if (!skip) {
      if (!chain->back()->is_repeated() && std::next(it) != group_end) {
        return absl::InvalidArgumentError(
            absl::StrCat("query parameter \"", key, "\" given more than once"));
      }
      for (auto v = it; v != group_end; ++v) {
        if (absl::Status s = StoreAt(*chain, v->second, message); !s.ok()) return s;
      }
    }
    it = group_end;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SetFieldFromText(absl::string_view dotted_path, absl::string_view value,
                              Message* message) {
  absl::StatusOr<FieldChain> chain = ResolveFieldPath(message->GetDescriptor(), dotted_path);
  if (!chain.ok()) return chain.status();
  return StoreAt(*chain, value, message);
}

absl::Status BuildRequestMessage(absl::string_view body_rule, absl::string_view body,
                                 const QueryParams& query, const PathBindings& bindings,
                                 Message* message) {
  if (absl::Status s = MergeBody(body_rule, body, message); !s.ok()) return s;
  // With body "*" every field not in the path is in the body, so the query
  // string maps to nothing and is ignored (google.api.http).
  if (body_rule != "*") {
    if (absl::Status s = ApplyQuery(body_rule, query, bindings, message); !s.ok()) return s;
  }
  for (const auto& [path, value] : bindings) {
    if (absl::Status s = SetFieldFromText(path, value, message); !s.ok()) return s;
  }
  return CheckRequiredFields(*message);
}

}  // namespace wa::gateway
