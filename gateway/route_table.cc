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

// A path variable sets one value: a singular scalar (or a Timestamp).
absl::Status CheckPathVariables(const PathTemplate& path, const RequestBinding& binding) {
  for (size_t i = 0; i < binding.path_fields.size(); ++i) {
    const FieldDescriptor* leaf = binding.path_fields[i].back();
    if (leaf->is_repeated() || (leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                                leaf->message_type()->full_name() != "google.protobuf.Timestamp")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path variable ", path.variables()[i].field_path, " must name a singular scalar field"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Route> RouteFor(const MethodDescriptor* method, const google::api::HttpRule& rule) {
  absl::StatusOr<std::pair<std::string, std::string>> pattern = PatternOf(rule);
  if (!pattern.ok()) return pattern.status();
  absl::StatusOr<PathTemplate> path = PathTemplate::Parse(pattern->second);
  if (!path.ok()) return path.status();
  absl::StatusOr<RequestBinding> request =
      ResolveRequestBinding(method->input_type(), rule.body(), *path);
  if (!request.ok()) return request.status();
  if (absl::Status s = CheckPathVariables(*path, *request); !s.ok()) return s;
  const FieldDescriptor* response_field = nullptr;
  if (!rule.response_body().empty()) {
    response_field = method->output_type()->FindFieldByName(rule.response_body());
    if (response_field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("response_body \"", rule.response_body(),
                                                     "\" is not a field of ",
                                                     method->output_type()->full_name()));
    }
  }
  return Route{
      .http_method = std::move(pattern->first),
      .path = *std::move(path),
      .method = method,
      .grpc_path = absl::StrCat("/", method->service()->full_name(), "/", method->name()),
      .body = rule.body(),
      .response_body = rule.response_body(),
      .streaming = method->client_streaming() || method->server_streaming(),
      .request = *std::move(request),
      .response_field = response_field,
  };
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<std::string>& services,
                                             const google::protobuf::DescriptorPool* pool) {
  return Build(services, {}, pool);
}

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<std::string>& services,
                                             const std::vector<AdapterBinding>& adapters,
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
  for (const AdapterBinding& adapter : adapters) {
    if (absl::Status s = table.AddAdapter(adapter, pool); !s.ok()) return s;
  }
  return table;
}

absl::Status RouteTable::AddMethod(const MethodDescriptor* method) {
  if (!method->options().HasExtension(google::api::http)) return absl::OkStatus();
  const google::api::HttpRule& top = method->options().GetExtension(google::api::http);

  std::vector<const google::api::HttpRule*> rules = {&top};
  for (const google::api::HttpRule& extra : top.additional_bindings()) rules.push_back(&extra);

  for (const google::api::HttpRule* rule : rules) {
    absl::StatusOr<Route> route = RouteFor(method, *rule);
    if (!route.ok()) {
      return absl::Status(route.status().code(),
                          absl::StrCat(method->full_name(), ": ", route.status().message()));
    }
    routes_.push_back(*std::move(route));
  }
  return absl::OkStatus();
}

absl::Status RouteTable::AddAdapter(const AdapterBinding& adapter,
                                    const google::protobuf::DescriptorPool* pool) {
  if (adapter.rpc.empty()) {
    absl::StatusOr<PathTemplate> path = PathTemplate::Parse(adapter.path);
    if (!path.ok()) return path.status();
    routes_.push_back(Route{.http_method = adapter.http_method,
                            .path = *std::move(path),
                            .method = nullptr,
                            .grpc_path = "",
                            .body = "",
                            .response_body = "",
                            .streaming = false,
                            .request = {},
                            .response_field = nullptr,
                            .adapter = adapter.id});
    return absl::OkStatus();
  }
  const MethodDescriptor* method = pool->FindMethodByName(adapter.rpc);
  if (method == nullptr || !method->options().HasExtension(google::api::http)) {
    return absl::InvalidArgumentError(
        absl::StrCat("adapter for ", adapter.rpc, ": no such RPC with a google.api.http route"));
  }
  auto served = [&] {
    return std::count_if(routes_.begin(), routes_.end(),
                         [&](const Route& r) { return r.method == method; });
  };
  // Its service's routes are in the table already unless it was not listed.
  if (served() == 0) {
    if (absl::Status s = AddMethod(method); !s.ok()) return s;
  }
  for (Route& route : routes_) {
    if (route.method == method) route.adapter = adapter.id;
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
    // Of equally specific templates a named adapter's wins, then the first.
    const int order = best == nullptr ? -1 : route.path.ComparePrecedence(best->path);
    if (order < 0 || (order == 0 && route.adapter != Route::kTranscoded &&
                      best->adapter == Route::kTranscoded)) {
      best = &route;
    }
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
