#include "gateway/http_gateway.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_id.h"
#include "gateway/http_response.h"
#include "gateway/limited_server.h"

namespace wa::gateway {
namespace {

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

std::string RegexEscape(absl::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view(R"(\^$.|?*+()[]{}-)").find(c) != std::string_view::npos)
      out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// httplib routes by regular expression over the decoded path; the template
// is matched again on the raw path for its bindings.
std::string PathRegex(const PathTemplate& path) {
  std::string out;
  for (const PathTemplate::Segment& segment : path.segments()) {
    switch (segment.kind) {
      case PathTemplate::SegmentKind::kLiteral:
        absl::StrAppend(&out, "/", RegexEscape(segment.literal));
        break;
      case PathTemplate::SegmentKind::kSingle:
        out.append("/[^/]+");
        break;
      case PathTemplate::SegmentKind::kMulti:
        out.append("(/.*)?");
        break;
    }
  }
  if (!path.verb().empty()) absl::StrAppend(&out, ":", RegexEscape(path.verb()));
  return out;
}

}  // namespace

HttpGateway::HttpGateway(std::shared_ptr<grpc::Channel> channel, Options options)
    : options_(std::move(options)),
      router_(std::move(channel),
              HttpRouter::Options{.max_body_bytes = options_.max_body_bytes,
                                  .max_streaming_body_bytes = options_.max_streaming_body_bytes,
                                  .services = options_.services,
                                  .rpc = options_.rpc}) {}

HttpGateway::~HttpGateway() { Stop(); }

absl::StatusOr<int> HttpGateway::Start() {
  if (server_ != nullptr) return absl::FailedPreconditionError("gateway already started");
  // Routing first, on its own: the one matcher, built once.
  if (absl::Status s = router_.Build(); !s.ok()) return s;

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
  server.set_payload_max_length(router_.LargestBodyCap());
  InstallStreamingRoutes(server);
  // httplib's default adds SO_REUSEPORT, which would let a second server bind
  // a port already in use instead of failing.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                         httplib::Response& res) {
    return RenderHttplibError(router_.BodyRuleFor(req).cap, req, res);
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
    router_.Handle(req, res);
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

void HttpGateway::InstallStreamingRoutes(httplib::Server& server) {
  for (const HttpRouter::StreamingRoute& streaming : router_.StreamingRoutes()) {
    const Route& route = *streaming.route;
    const HttpRouter::StreamingAdapterHandler& run = *streaming.handler;
    httplib::Server::HandlerWithContentReader handler =
        [path = route.path, run](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& body) {
          LimitedServer::AllowStreamingBody();  // 100 MB may take longer than one request
          PathBindings bindings;
          if (!path.Match(PathOf(req), &bindings)) {
            WriteGatewayError(res, 404, "NOT_FOUND",
                              absl::StrCat("no route for ", req.method, " ", PathOf(req)));
            return;
          }
          run(req, res, bindings, body);
        };
    const std::string pattern = PathRegex(route.path);
    if (route.http_method == "POST") server.Post(pattern, handler);
    if (route.http_method == "PUT") server.Put(pattern, handler);
    if (route.http_method == "PATCH") server.Patch(pattern, handler);
    if (route.http_method == "DELETE") server.Delete(pattern, handler);
  }
}

}  // namespace wa::gateway
