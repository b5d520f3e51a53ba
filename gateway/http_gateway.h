#ifndef WA_GATEWAY_HTTP_GATEWAY_H_
#define WA_GATEWAY_HTTP_GATEWAY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/grpc_invoker.h"
#include "gateway/limited_server.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "httplib.h"

namespace wa::gateway {

// A request's path: its target without the query string.
absl::string_view PathOf(const httplib::Request& req);

// The JSON/HTTP front of the gRPC services (docs/gateway.md, "Shape"): routes come
// from the services' google.api.http options, requests are transcoded and
// called over `channel`, answers and errors rendered as the reference shows.
// Named adapters serve what the annotations cannot express.
class HttpGateway {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0 = ephemeral
    size_t max_body_bytes = 1 << 20;
    // Bodies of streaming adapters (media uploads) may be this large: they
    // are handed over as they arrive, never buffered. Other requests keep
    // max_body_bytes. 0 means max_body_bytes.
    size_t max_streaming_body_bytes = 0;
    // One pool thread is held per keep-alive connection, so this bounds the
    // number of concurrently served connections.
    int threads = 64;
    // Fully-qualified service names whose routes are served.
    std::vector<std::string> services;
    // Idle keep-alive connections are closed after this.
    int keep_alive_timeout_seconds = 5;
    // Connections the kernel holds until the accept loop takes them.
    int listen_backlog = 1024;
    // One read or write waiting for the client (whole seconds).
    absl::Duration read_timeout = absl::Seconds(5);
    absl::Duration write_timeout = absl::Seconds(5);
    // Per-request time, header size and connection count.
    HttpLimits limits;
    // HTTPS with this PEM certificate (chain) and key when set; plain HTTP
    // otherwise. With a client CA, every client must present a certificate
    // it signed.
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string tls_client_ca_file;
    GrpcInvoker::Options rpc;
  };

  using AdapterHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using BoundAdapterHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const PathBindings&)>;
  // `body` reads the request body as it arrives (plain, or multipart parts).
  using StreamingAdapterHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const PathBindings&,
                         const httplib::ContentReader& body)>;

  HttpGateway(std::shared_ptr<grpc::Channel> channel, Options options);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // Builds the route table, binds (port 0 picks a free port) and serves on a
  // background thread. Returns the bound port; fails on a bad route
  // annotation, an unknown service or a port in use.
  absl::StatusOr<int> Start();
  // Stops accepting, lets in-flight requests finish, joins the threads.
  void Stop();

  // Registers a named adapter for what is no RPC (documents such as
  // /healthz). `path_pattern` uses the google.api.http template syntax
  // ("/api/v1/x/{id}/content"). Call before Start(). Adapters share the
  // route table's matcher; of equally specific templates theirs wins.
  // `max_body_bytes` (0: Options::max_body_bytes) bounds its request bodies.
  void AddAdapter(std::string method, std::string path_pattern, AdapterHandler handler,
                  size_t max_body_bytes = 0);
  // The same, handing the adapter the template's bound variables.
  void AddBoundAdapter(std::string method, std::string path_pattern, BoundAdapterHandler handler,
                       size_t max_body_bytes = 0);
  // A named adapter serving the routes of `rpc`'s google.api.http option
  // (full method name, "hotel.whatsapp.v1.MediaService.DownloadMedia"),
  // for what the generic transcoder cannot express. Start() fails when the
  // RPC has no such option.
  void AddRpcAdapter(std::string rpc, BoundAdapterHandler handler, size_t max_body_bytes = 0);
  // A named adapter that reads the request body itself, as it arrives, up to
  // Options::max_streaming_body_bytes (multipart media uploads), instead of
  // the gateway buffering it. `method` is POST, PUT, PATCH or DELETE.
  void AddStreamingAdapter(std::string method, std::string path_pattern,
                           StreamingAdapterHandler handler);
  // The same for the routes of `rpc`'s google.api.http option.
  void AddStreamingRpcAdapter(std::string rpc, StreamingAdapterHandler handler);

  // For adapters: calls a unary RPC with the HTTP request's forwarded headers
  // and writes the JSON answer (200) or the error body into `res`.
  grpc::Status CallAndRender(const httplib::Request& req, const std::string& grpc_path,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response, httplib::Response& res) const;

  const GrpcInvoker& invoker() const { return invoker_; }
  // Empty until Start() has built it.
  const std::optional<RouteTable>& routes() const { return routes_; }

 private:
  // A named adapter; its index in adapters_ is its AdapterBinding::id.
  struct Adapter {
    AdapterBinding binding;
    BoundAdapterHandler handler;
    StreamingAdapterHandler streaming;  // set for streaming adapters
    size_t max_body_bytes = 0;          // 0: Options::max_body_bytes
  };

  void AddAdapterEntry(AdapterBinding binding, BoundAdapterHandler handler,
                       StreamingAdapterHandler streaming, size_t max_body_bytes);
  // The adapter serving `req`'s route (or the looked-up route), if one does.
  const Adapter* AdapterFor(const httplib::Request& req) const;
  const Adapter* AdapterOf(const RouteLookup& lookup) const;
  void Handle(const httplib::Request& req, httplib::Response& res) const;
  // Registers the streaming adapters with httplib.
  void InstallStreamingAdapters(httplib::Server& server);
  bool IsStreamingTarget(const httplib::Request& req) const;
  // Before routing, before any of the body is read: gives the request its
  // id, and refuses a body that is encoded, declared over its route's cap,
  // or beyond the body memory the server holds at once.
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req,
                                            httplib::Response& res) const;
  // The largest body `req`'s route accepts: its adapter's, the streaming
  // cap for streaming adapters, else Options::max_body_bytes (unknown paths
  // included).
  size_t BodyCapFor(const httplib::Request& req) const;
  size_t BodyCapOf(const RouteLookup& lookup) const;
  size_t BodyCapOf(const Adapter* adapter) const;
  // The largest of every route's cap: httplib's own limit.
  size_t LargestBodyCap() const;
  void HandleRoute(const Route& route, const PathBindings& bindings, const httplib::Request& req,
                   httplib::Response& res) const;
  // The transport's settings and the handlers that route into Handle().
  void ConfigureServer(LimitedServer& server);
  // Binds, and serves on thread_ until Stop(); returns the port.
  absl::StatusOr<int> Listen(std::unique_ptr<LimitedServer> server);
  // Streaming adapters must take a body: fails for one bound to a GET.
  absl::Status CheckStreamingAdapters() const;

  GrpcInvoker invoker_;
  Options options_;
  std::vector<Adapter> adapters_;
  std::optional<RouteTable> routes_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_HTTP_GATEWAY_H_
