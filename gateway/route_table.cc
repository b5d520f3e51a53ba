#include "gateway/route_table.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/field_path.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace wa::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

// The (verb, template) pair of one HttpRule, without its other bindings.
absl::StatusOr<std::pair<std::string, std::string>> PatternOf(const google::api::HttpRule& rule) {
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      return std::make_pair(std::string("GET"), rule.get());
    case google::api::HttpRule::kPut:
      return std::make_pair(std::string("PUT"), rule.put());
    case google::api::HttpRule::kPost:
      return std::make_pair(std::string("POST"), rule.post());
    case google::api::HttpRule::kDelete:
      return std::make_pair(std::string("DELETE"), rule.delete_());
    case google::api::HttpRule::kPatch:
      return std::make_pair(std::string("PATCH"), rule.patch());
    case google::api::HttpRule::kCustom:
      return std::make_pair(absl::AsciiStrToUpper(rule.custom().kind()), rule.custom().path());
    case google::api::HttpRule::PATTERN_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("http rule has no pattern");
}

absl::Status CheckTopLevelField(const google::protobuf::Descriptor* type, const std::string& name,
                                absl::string_view role) {
  if (type->FindFieldByName(name) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(role, " \"", name, "\" is not a field of ", type->full_name()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<std::string>& services,
                                             const google::protobuf::DescriptorPool* pool) {
  RouteTable table;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(absl::StrCat("service ", name, " is not in the descriptor pool"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      if (absl::Status s = table.AddMethod(service->method(i)); !s.ok()) return s;
    }
  }
  return table;
}

absl::Status RouteTable::AddMethod(const MethodDescriptor* method) {
  if (!method->options().HasExtension(google::api::http)) return absl::OkStatus();
  const google::api::HttpRule& top = method->options().GetExtension(google::api::http);

  std::vector<const google::api::HttpRule*> rules = {&top};
  for (const google::api::HttpRule& extra : top.additional_bindings()) rules.push_back(&extra);

  for (const google::api::HttpRule* rule : rules) {
    auto context = [&](const absl::Status& s) {
      return absl::Status(s.code(), absl::StrCat(method->full_name(), ": ", s.message()));
    };
    absl::StatusOr<std::pair<std::string, std::string>> pattern = PatternOf(*rule);
    if (!pattern.ok()) return context(pattern.status());
    absl::StatusOr<PathTemplate> path = PathTemplate::Parse(pattern->second);
    if (!path.ok()) return context(path.status());

    for (const PathTemplate::Variable& v : path->variables()) {
      absl::StatusOr<std::vector<const FieldDescriptor*>> fields =
          ResolveFieldPath(method->input_type(), v.field_path);
      if (!fields.ok()) return context(fields.status());
      const FieldDescriptor* leaf = fields->back();
      if (leaf->is_repeated() ||
          (leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
           leaf->message_type()->full_name() != "google.protobuf.Timestamp")) {
        return context(absl::InvalidArgumentError(
            absl::StrCat("path variable ", v.field_path, " must name a singular scalar field")));
      }
    }
    if (!rule->body().empty() && rule->body() != "*") {
      if (absl::Status s = CheckTopLevelField(method->input_type(), rule->body(), "body");
          !s.ok()) {
        return context(s);
      }
    }
    if (!rule->response_body().empty()) {
      if (absl::Status s =
              CheckTopLevelField(method->output_type(), rule->response_body(), "response_body");
          !s.ok()) {
        return context(s);
      }
    }

    Route route{
        .http_method = std::move(pattern->first),
        .path = *std::move(path),
        .method = method,
        .grpc_path = absl::StrCat("/", method->service()->full_name(), "/", method->name()),
        .body = rule->body(),
        .response_body = rule->response_body(),
        .streaming = method->client_streaming() || method->server_streaming(),
    };
    routes_.push_back(std::move(route));
  }
  return absl::OkStatus();
}

RouteLookup RouteTable::Lookup(absl::string_view http_method, absl::string_view raw_path) const {
  return Lookup(http_method, RequestPath(raw_path));
}

RouteLookup RouteTable::Lookup(absl::string_view http_method, const RequestPath& path) const {
  if (http_method == "HEAD") http_method = "GET";
  RouteLookup out;
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    // The bindings are filled only for the winner, so that losing
    // candidates cost no allocations.
    if (!route.path.Match(path, nullptr)) continue;
    if (route.http_method != http_method) {
      if (std::find(out.allowed_methods.begin(), out.allowed_methods.end(), route.http_method) ==
          out.allowed_methods.end()) {
        out.allowed_methods.push_back(route.http_method);
      }
      continue;
    }
    if (best == nullptr || route.path.ComparePrecedence(best->path) < 0) best = &route;
  }
  if (best != nullptr) {
    out.result = RouteLookup::Result::kFound;
    out.route = best;
    out.allowed_methods.clear();
    best->path.Match(path, &out.bindings);
    return out;
  }
  out.result = out.allowed_methods.empty() ? RouteLookup::Result::kNoSuchPath
                                           : RouteLookup::Result::kMethodNotAllowed;
  return out;
}

}  // namespace wa::gateway
