#include "gateway/http_gateway.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/request_id.h"
#include "gateway/error_renderer.h"
#include "gateway/event_stream_relay.h"
#include "gateway/http_response.h"
#include "gateway/json_transcoder.h"
#include "gateway/limited_server.h"
#include "google/protobuf/arena.h"

namespace wa::gateway {
namespace {

// Most requests and responses fit here, so a call usually allocates no arena
// blocks from the heap.
constexpr size_t kArenaInitialBlock = 4096;

// Errors httplib answers by itself (oversized body, unparsable request) get
// the same body as the gateway's own.
httplib::Server::HandlerResponse RenderHttplibError(size_t max_body_bytes,
                                                    const httplib::Request& req,
                                                    httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  // A request cut off by a limit of ours reaches here as httplib's 400.
  if (WriteLimitError(res, LimitedServer::CurrentProblem())) {
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  }
  switch (res.status) {
    case 413:
      WriteGatewayError(res, 413, "PAYLOAD_TOO_LARGE",
                        absl::StrCat("request body exceeds ", max_body_bytes, " bytes"));
      break;
    case 404:
      WriteGatewayError(res, 404, "NOT_FOUND",
                        absl::StrCat("no route for ", req.method, " ", PathOf(req)));
      break;
    case 414:
      WriteGatewayError(res, 414, "URI_TOO_LONG", "request URI too long");
      break;
    case 400:
      WriteGatewayError(res, 400, "INVALID_ARGUMENT", "malformed HTTP request");
      break;
    default:
      WriteGatewayError(res, res.status, res.status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT",
                        absl::StrCat("HTTP error ", res.status));
  }
  return httplib::Server::HandlerResponse::Handled;
}

// The caller's X-Request-Id when it is usable, else a new one.
std::string RequestIdFor(const httplib::Request& req) {
  std::string given = req.get_header_value(kRequestIdHeader);
  return IsValidRequestId(given) ? given : NewRequestId();
}

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

HttpGateway::HttpGateway(std::shared_ptr<grpc::Channel> channel, Options options)
    : invoker_(std::move(channel), options.rpc), options_(std::move(options)) {}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::AddAdapter(std::string method, std::string path_pattern, AdapterHandler handler,
                             size_t max_body_bytes) {
  AddBoundAdapter(
      std::move(method), std::move(path_pattern),
      [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                     const PathBindings&) { handler(req, res); },
      max_body_bytes);
}

void HttpGateway::AddBoundAdapter(std::string method, std::string path_pattern,
                                  BoundAdapterHandler handler, size_t max_body_bytes) {
  AddAdapterEntry(AdapterBinding::ForPath(std::move(method), std::move(path_pattern)),
                  std::move(handler), nullptr, max_body_bytes);
}

void HttpGateway::AddRpcAdapter(std::string rpc, BoundAdapterHandler handler,
                                size_t max_body_bytes) {
  AddAdapterEntry(AdapterBinding::ForRpc(std::move(rpc)), std::move(handler), nullptr,
                  max_body_bytes);
}

void HttpGateway::AddAdapterEntry(AdapterBinding binding, BoundAdapterHandler handler,
                                  StreamingAdapterHandler streaming, size_t max_body_bytes) {
  binding.id = static_cast<int>(adapters_.size());
  adapters_.push_back(
      {std::move(binding), std::move(handler), std::move(streaming), max_body_bytes});
}

const HttpGateway::Adapter* HttpGateway::AdapterFor(const httplib::Request& req) const {
  return AdapterOf(routes_->Lookup(req.method, RequestPath(PathOf(req))));
}

const HttpGateway::Adapter* HttpGateway::AdapterOf(const RouteLookup& lookup) const {
  if (lookup.result != RouteLookup::Result::kFound) return nullptr;
  if (lookup.route->adapter == Route::kTranscoded) return nullptr;
  return &adapters_[lookup.route->adapter];
}

absl::StatusOr<int> HttpGateway::Start() {
  if (server_ != nullptr) return absl::FailedPreconditionError("gateway already started");
  // Routing first, on its own: the one matcher, built once.
  std::vector<AdapterBinding> bindings;
  for (const Adapter& a : adapters_) bindings.push_back(a.binding);
  absl::StatusOr<RouteTable> table = RouteTable::Build(options_.services, bindings);
  if (!table.ok()) return table.status();
  routes_ = *std::move(table);
  if (absl::Status s = CheckStreamingAdapters(); !s.ok()) return s;

  // Then the transport: sockets, TLS, limits.
  auto server = std::make_unique<LimitedServer>(options_.limits);
  if (!options_.tls_cert_file.empty()) {
    absl::Status tls = server->EnableTls(options_.tls_cert_file, options_.tls_key_file,
                                         options_.tls_client_ca_file);
    if (!tls.ok()) return tls;
  }
  ConfigureServer(*server);
  return Listen(std::move(server));
}

void HttpGateway::ConfigureServer(LimitedServer& server) {
  // cpp-httplib's defaults cost two orders of magnitude in throughput
  // (docs/gateway.md): Nagle with delayed ACKs, keep-alive closed after 5
  // requests, and a small pool holding one thread per connection.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  server.new_task_queue = [threads, raw = &server] {
    return raw->CountingQueue(new httplib::ThreadPool(threads));
  };
  server.set_read_timeout(absl::ToInt64Seconds(options_.read_timeout), 0);
  server.set_write_timeout(absl::ToInt64Seconds(options_.write_timeout), 0);
  // httplib's one limit is the largest route's; PreRoute holds each route
  // to its own before the body is read.
  server.set_payload_max_length(LargestBodyCap());
  InstallStreamingAdapters(server);
  // httplib's default adds SO_REUSEPORT, which would let a second server bind
  // a port already in use instead of failing.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                         httplib::Response& res) {
    return RenderHttplibError(BodyCapFor(req), req, res);
  };
  server.set_error_handler(std::move(on_error));
  // httplib keeps one pre-routing handler: every check before routing is in it.
  server.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRoute(req, res); });
  // Answers httplib gives before routing (malformed request) get an id too.
  server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.has_header(kRequestIdHeader)) res.set_header(kRequestIdHeader, RequestIdFor(req));
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        WriteGatewayError(res, 500, "INTERNAL", "internal error in the HTTP gateway");
      });
  httplib::Server::Handler handler = [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
}

absl::StatusOr<int> HttpGateway::Listen(std::unique_ptr<LimitedServer> server) {
  int port = options_.port;
  if (port == 0) {
    port = server->bind_to_any_port(options_.host);
  } else if (!server->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":",
                                               options_.port, " (address in use or invalid)"));
  }
  if (!server->WidenBacklog(options_.listen_backlog)) {
    return absl::InternalError(absl::StrCat("cannot set the listen backlog: ", strerror(errno)));
  }
  server_ = std::move(server);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([server = server_.get(), finished] {
    server->listen_after_bind();
    finished->store(true);
  });
  // Stop() is a no-op until the accept loop runs, so wait for it here.
  while (!server_->is_running() && !finished->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_->is_running()) {
    Stop();
    return absl::InternalError("HTTP accept loop ended at start-up");
  }
  return port;
}

void HttpGateway::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void HttpGateway::Handle(const httplib::Request& req, httplib::Response& res) const {
  // The raw target, not httplib's decoded `path`, so that an encoded "/"
  // inside a segment stays inside it.
  const RequestPath path(PathOf(req));
  RouteLookup lookup = routes_->Lookup(req.method, path);
  // The wire cap (PreRoute) lets chunk framing through: the body itself is
  // held to its route's cap here.
  if (size_t cap = BodyCapOf(lookup); req.body.size() > cap) {
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

void HttpGateway::HandleRoute(const Route& route, const PathBindings& bindings,
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

grpc::Status HttpGateway::CallAndRender(const httplib::Request& req, const std::string& grpc_path,
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
