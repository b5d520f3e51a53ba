#include "gateway/http_router.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gateway/error_renderer.h"
#include "gateway/event_stream_relay.h"
#include "gateway/http_response.h"
#include "gateway/json_transcoder.h"
#include "google/protobuf/arena.h"

namespace wa::gateway {
namespace {

// Most requests and responses fit here, so a call usually allocates no arena
// blocks from the heap.
constexpr size_t kArenaInitialBlock = 4096;

// A body with no Content-Type, or an empty one, is read as JSON; a body
// declared as anything else (curl -d's form encoding) is refused by name.
bool IsJsonBody(const httplib::Request& req) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return true;
  if (!req.has_header("Content-Type")) return true;
  std::string type = absl::AsciiStrToLower(req.get_header_value("Content-Type"));
  type = std::string(absl::StripAsciiWhitespace(type.substr(0, type.find(';'))));
  return type == "application/json" || absl::EndsWith(type, "+json");
}

// A `+` in a query string is a space once decoded, so "?guest_phone=+1..."
// reaches the service as " 1...": an error then says how to write it.
RenderedError WithQueryHints(const httplib::Request& req, RenderedError error) {
  for (const auto& [key, value] : req.params) {
    if (!absl::StartsWith(value, " ")) continue;
    AddRecoveryOption(&error,
                      absl::StrCat("Write `+` as `%2B` in a query string: a bare `+` means "
                                   "a space (?",
                                   key, "=%2B", absl::StripLeadingAsciiWhitespace(value), ")"));
    break;
  }
  return error;
}

}  // namespace

absl::string_view PathOf(const httplib::Request& req) {
  absl::string_view target = req.target;
  return target.substr(0, target.find('?'));
}

HttpRouter::HttpRouter(std::shared_ptr<grpc::Channel> channel, Options options)
    : invoker_(std::move(channel), options.rpc), options_(std::move(options)) {}

void HttpRouter::AddAdapter(std::string method, std::string path_pattern, AdapterHandler handler,
                            size_t max_body_bytes) {
  AddBoundAdapter(
      std::move(method), std::move(path_pattern),
      [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                     const PathBindings&) { handler(req, res); },
      max_body_bytes);
}

void HttpRouter::AddBoundAdapter(std::string method, std::string path_pattern,
                                 BoundAdapterHandler handler, size_t max_body_bytes) {
  AddAdapterEntry(AdapterBinding::ForPath(std::move(method), std::move(path_pattern)),
                  std::move(handler), nullptr, max_body_bytes);
}

void HttpRouter::AddRpcAdapter(std::string rpc, BoundAdapterHandler handler,
                               size_t max_body_bytes) {
  AddAdapterEntry(AdapterBinding::ForRpc(std::move(rpc)), std::move(handler), nullptr,
                  max_body_bytes);
}

void HttpRouter::AddAdapterEntry(AdapterBinding binding, BoundAdapterHandler handler,
                                 StreamingAdapterHandler streaming, size_t max_body_bytes) {
  binding.id = static_cast<int>(adapters_.size());
  adapters_.push_back(
      {std::move(binding), std::move(handler), std::move(streaming), max_body_bytes});
}

const HttpRouter::Adapter* HttpRouter::AdapterFor(const httplib::Request& req) const {
  return AdapterOf(routes_->Lookup(req.method, RequestPath(PathOf(req))));
}

const HttpRouter::Adapter* HttpRouter::AdapterOf(const RouteLookup& lookup) const {
  if (lookup.result != RouteLookup::Result::kFound) return nullptr;
  if (lookup.route->adapter == Route::kTranscoded) return nullptr;
  return &adapters_[lookup.route->adapter];
}

absl::Status HttpRouter::Build() {
  if (routes_.has_value()) return absl::FailedPreconditionError("routes already built");
  std::vector<AdapterBinding> bindings;
  for (const Adapter& a : adapters_) bindings.push_back(a.binding);
  absl::StatusOr<RouteTable> table = RouteTable::Build(options_.services, bindings);
  if (!table.ok()) return table.status();
  routes_ = *std::move(table);
  return CheckStreamingAdapters();
}

HttpRouter::BodyRule HttpRouter::BodyRuleFor(const httplib::Request& req) const {
  const Adapter* adapter = AdapterFor(req);
  return {.cap = BodyCapOf(adapter), .streaming = adapter != nullptr && adapter->streaming};
}

size_t HttpRouter::BodyCapOf(const Adapter* adapter) const {
  if (adapter == nullptr) return options_.max_body_bytes;
  if (adapter->streaming != nullptr) {
    return std::max(options_.max_body_bytes, options_.max_streaming_body_bytes);
  }
  return adapter->max_body_bytes > 0 ? adapter->max_body_bytes : options_.max_body_bytes;
}

size_t HttpRouter::LargestBodyCap() const {
  size_t largest = options_.max_body_bytes;
  for (const Adapter& a : adapters_) {
    largest = std::max(
        largest, a.streaming != nullptr ? options_.max_streaming_body_bytes : a.max_body_bytes);
  }
  return largest;
}

void HttpRouter::Handle(const httplib::Request& req, httplib::Response& res) const {
  // The raw target, not httplib's decoded `path`, so that an encoded "/"
  // inside a segment stays inside it.
  const RequestPath path(PathOf(req));
  RouteLookup lookup = routes_->Lookup(req.method, path);
  // The wire cap (PreRoute) lets chunk framing through: the body itself is
  // held to its route's cap here.
  if (size_t cap = BodyCapOf(AdapterOf(lookup)); req.body.size() > cap) {
    WriteGatewayError(res, 413, "PAYLOAD_TOO_LARGE",
                      absl::StrCat("request body exceeds ", cap, " bytes"));
    return;
  }
  if (lookup.result == RouteLookup::Result::kFound) {
    if (lookup.route->adapter != Route::kTranscoded) {
      adapters_[lookup.route->adapter].handler(req, res, lookup.bindings);
    } else {
      HandleRoute(*lookup.route, lookup.bindings, req, res);
    }
    return;
  }
  if (lookup.allowed_methods.empty()) {
    WriteGatewayError(res, 404, "NOT_FOUND",
                      absl::StrCat("no route for ", req.method, " ", PathOf(req)));
    return;
  }
  const std::string allowed = absl::StrJoin(lookup.allowed_methods, ", ");
  WriteGatewayError(res, 405, "METHOD_NOT_ALLOWED",
                    absl::StrCat("method ", req.method, " is not allowed for ", PathOf(req),
                                 "; allowed: ", allowed));
  res.set_header("Allow", allowed);
}

void HttpRouter::HandleRoute(const Route& route, const PathBindings& bindings,
                             const httplib::Request& req, httplib::Response& res) const {
  if (route.streaming && route.method->server_streaming() && !route.method->client_streaming() &&
      route.http_method == "GET") {
    ServeEventStream(invoker_, route, bindings, req, res);
    return;
  }
  if (route.streaming) {
    WriteGatewayError(
        res, 501, "UNIMPLEMENTED",
        absl::StrCat(route.method->full_name(), " is a streaming RPC; call it over gRPC"));
    return;
  }
  alignas(8) char initial_block[kArenaInitialBlock];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = initial_block;
  arena_options.initial_block_size = sizeof(initial_block);
  google::protobuf::Arena arena(arena_options);
  google::protobuf::Message* request = invoker_.NewMessage(route.method->input_type(), &arena);
  google::protobuf::Message* response = invoker_.NewMessage(route.method->output_type(), &arena);

  if (!route.body.empty() && !IsJsonBody(req)) {
    WriteGatewayError(res, 415, "UNSUPPORTED_MEDIA_TYPE",
                      absl::StrCat("the body of ", req.method, " ", PathOf(req),
                                   " is JSON: send it with Content-Type: application/json (got ",
                                   req.get_header_value("Content-Type"), ")"));
    return;
  }
  if (absl::Status s = BuildRequestMessage(route.request, req.body, req.params, bindings, request);
      !s.ok()) {
    WriteError(res, WithQueryHints(req, RenderStatusError(s)));
    return;
  }
  grpc::Status status =
      invoker_.Call(route.grpc_path, *request, response, ForwardedMetadata(req, res));
  if (!status.ok()) {
    WriteError(res, WithQueryHints(req, RenderRpcError(status)));
    return;
  }
  std::string body;
  body.reserve(512);
  AppendResponseJson(*response, route.response_field, &body);
  WriteJson(res, 200, std::move(body));
}

grpc::Status HttpRouter::CallAndRender(const httplib::Request& req, const std::string& grpc_path,
                                       const google::protobuf::Message& request,
                                       google::protobuf::Message* response,
                                       httplib::Response& res) const {
  grpc::Status status = invoker_.Call(grpc_path, request, response, ForwardedMetadata(req, res));
  if (status.ok()) {
    WriteMessage(res, *response);
  } else {
    WriteRpcError(res, status);
  }
  return status;
}

}  // namespace wa::gateway
