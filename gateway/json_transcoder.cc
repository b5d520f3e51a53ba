// Request assembly from the three places REST puts a request's fields: the
// body, the query string and the path.
#include "gateway/json_transcoder.h"

#include <algorithm>
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

absl::Status MergeBody(const RequestBinding& binding, absl::string_view body, Message* message) {
  if (binding.body_rule.empty()) return absl::OkStatus();
  if (binding.body_field == nullptr) return MergeJsonText(body, message);  // "*"
  if (body.find_first_not_of(" \t\r\n") == absl::string_view::npos) return absl::OkStatus();
  absl::StatusOr<nlohmann::json> parsed = ParseJsonText(body);
  if (!parsed.ok()) return parsed.status();
  return MergeJsonIntoField(*parsed, binding.body_field, message);
}

bool BoundByPath(const std::string& canonical, const RequestBinding& binding) {
  for (const std::string& path : binding.path_names) {
    if (path == canonical) return true;
  }
  return false;
}

// The query string may name any field the path and the body do not hold.
absl::Status UnknownQueryParameter(absl::string_view key, const RequestBinding& binding,
                                   const Message& message) {
  std::vector<std::string> known;
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const std::string& name = d->field(i)->name();
    if (name != binding.body_rule && !BoundByPath(name, binding)) known.push_back(name);
  }
  return UnknownFieldError(key, "query string", known);
}

absl::Status ApplyQuery(const RequestBinding& binding, const QueryParams& query, Message* message) {
  for (auto it = query.begin(); it != query.end();) {
    const std::string& key = it->first;
    auto group_end = query.upper_bound(key);
    absl::StatusOr<FieldChain> chain = ResolveFieldPath(message->GetDescriptor(), key);
    if (!chain.ok()) return UnknownQueryParameter(key, binding, *message);
    // The path's value wins, and the body field belongs to the body alone.
    const bool skip = BoundByPath(CanonicalPath(*chain), binding) ||
                      (binding.body_field != nullptr && chain->front() == binding.body_field);
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

// The binding of a caller without a route: the body rule and the field
// paths the bindings name, resolved now.
absl::StatusOr<RequestBinding> AdHocBinding(const google::protobuf::Descriptor* type,
                                            absl::string_view body_rule,
                                            const PathBindings& bindings) {
  RequestBinding binding;
  binding.body_rule = std::string(body_rule);
  if (!body_rule.empty() && body_rule != "*") {
    binding.body_field = type->FindFieldByName(binding.body_rule);
    if (binding.body_field == nullptr) {
      return absl::InternalError(absl::StrCat("body field ", body_rule, " does not exist"));
    }
  }
  for (const auto& [path, value] : bindings) {
    absl::StatusOr<FieldChain> chain = ResolveFieldPath(type, path);
    if (!chain.ok()) return chain.status();
    binding.path_names.push_back(CanonicalPath(*chain));
    binding.path_fields.push_back(*std::move(chain));
  }
  return binding;
}

}  // namespace

absl::Status SetFieldFromText(absl::string_view dotted_path, absl::string_view value,
                              Message* message) {
  absl::StatusOr<FieldChain> chain = ResolveFieldPath(message->GetDescriptor(), dotted_path);
  if (!chain.ok()) return chain.status();
  return StoreAt(*chain, value, message);
}

absl::StatusOr<RequestBinding> ResolveRequestBinding(const google::protobuf::Descriptor* type,
                                                     absl::string_view body_rule,
                                                     const PathTemplate& path) {
  RequestBinding binding;
  binding.body_rule = std::string(body_rule);
  if (!body_rule.empty() && body_rule != "*") {
    binding.body_field = type->FindFieldByName(binding.body_rule);
    if (binding.body_field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("body \"", body_rule, "\" is not a field of ", type->full_name()));
    }
  }
  for (const PathTemplate::Variable& v : path.variables()) {
    absl::StatusOr<FieldChain> chain = ResolveFieldPath(type, v.field_path);
    if (!chain.ok()) return chain.status();
    binding.path_names.push_back(CanonicalPath(*chain));
    binding.path_fields.push_back(*std::move(chain));
  }
  return binding;
}

absl::Status BuildRequestMessage(const RequestBinding& binding, absl::string_view body,
                                 const QueryParams& query, const PathBindings& bindings,
                                 Message* message) {
  if (absl::Status s = MergeBody(binding, body, message); !s.ok()) return s;
  // With body "*" every field not in the path is in the body, so the query
  // string maps to nothing and is ignored (google.api.http).
  if (binding.body_rule != "*") {
    if (absl::Status s = ApplyQuery(binding, query, message); !s.ok()) return s;
  }
  // Path values last, so that they win over the body and the query.
  const size_t n = std::min(bindings.size(), binding.path_fields.size());
  for (size_t i = 0; i < n; ++i) {
    if (absl::Status s = StoreAt(binding.path_fields[i], bindings[i].second, message); !s.ok()) {
      return s;
    }
  }
  return CheckRequiredFields(*message);
}

absl::Status BuildRequestMessage(absl::string_view body_rule, absl::string_view body,
                                 const QueryParams& query, const PathBindings& bindings,
                                 Message* message) {
  absl::StatusOr<RequestBinding> binding =
      AdHocBinding(message->GetDescriptor(), body_rule, bindings);
  if (!binding.ok()) return binding.status();
  return BuildRequestMessage(*binding, body, query, bindings, message);
}

}  // namespace wa::gateway
