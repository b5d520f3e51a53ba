#ifndef WA_GATEWAY_HTTP_ROUTER_H_
#define WA_GATEWAY_HTTP_ROUTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/grpc_invoker.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "httplib.h"

namespace wa::gateway {

// A request's path: its target without the query string.
absl::string_view PathOf(const httplib::Request& req);

// What the gateway does with a request once the transport has read it
// (docs/gateway.md, "Shape"): one matcher over the services'
// google.api.http routes and the named adapters, the transcoding of a
// route's JSON to its RPC over `channel`, and the answer or error rendered
// as the reference shows. It knows nothing of sockets, TLS or connection
// limits (HttpGateway), so it is driven directly in tests with a request
// built in memory.
class HttpRouter {
 public:
  struct Options {
    size_t max_body_bytes = 1 << 20;
    // Bodies of streaming adapters (media uploads) may be this large: they
    // are handed over as they arrive, never buffered. Other requests keep
    // max_body_bytes. 0 means max_body_bytes.
    size_t max_streaming_body_bytes = 0;
    // Fully-qualified service names whose routes are served.
    std::vector<std::string> services;
    GrpcInvoker::Options rpc;
  };

  using AdapterHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using BoundAdapterHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const PathBindings&)>;
  // `body` reads the request body as it arrives (plain, or multipart parts).
  using StreamingAdapterHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const PathBindings&,
                         const httplib::ContentReader& body)>;

  // A streaming adapter's route, for the transport to read its body as it
  // arrives and hand it over.
  struct StreamingRoute {
    const Route* route;
    const StreamingAdapterHandler* handler;
  };

  HttpRouter(std::shared_ptr<grpc::Channel> channel, Options options);
  HttpRouter(const HttpRouter&) = delete;
  HttpRouter& operator=(const HttpRouter&) = delete;

  // Registers a named adapter for what is no RPC (documents such as
  // /healthz). `path_pattern` uses the google.api.http template syntax
  // ("/api/v1/x/{id}/content"). Call before Build(). Adapters share the
  // route table's matcher; of equally specific templates theirs wins.
  // `max_body_bytes` (0: Options::max_body_bytes) bounds its request bodies.
  void AddAdapter(std::string method, std::string path_pattern, AdapterHandler handler,
                  size_t max_body_bytes = 0);
  // The same, handing the adapter the template's bound variables.
  void AddBoundAdapter(std::string method, std::string path_pattern, BoundAdapterHandler handler,
                       size_t max_body_bytes = 0);
  // A named adapter serving the routes of `rpc`'s google.api.http option
  // (full method name, "hotel.whatsapp.v1.MediaService.DownloadMedia"),
  // for what the generic transcoder cannot express. Build() fails when the
  // RPC has no such option.
  void AddRpcAdapter(std::string rpc, BoundAdapterHandler handler, size_t max_body_bytes = 0);
  // A named adapter that reads the request body itself, as it arrives, up to
  // Options::max_streaming_body_bytes (multipart media uploads), instead of
  // the transport buffering it. `method` is POST, PUT, PATCH or DELETE.
  void AddStreamingAdapter(std::string method, std::string path_pattern,
                           StreamingAdapterHandler handler);
  // The same for the routes of `rpc`'s google.api.http option.
  void AddStreamingRpcAdapter(std::string rpc, StreamingAdapterHandler handler);

  // Builds the one matcher; fails on a bad route annotation, an unknown
  // service or a streaming adapter bound to a method without a body.
  absl::Status Build();
  bool built() const { return routes_.has_value(); }

  // Answers `req` (whole, body read): its route's RPC or adapter, or the
  // contract's 404, 405 or 413. Thread-safe after Build().
  void Handle(const httplib::Request& req, httplib::Response& res) const;

  // For adapters: calls a unary RPC with the HTTP request's forwarded headers
  // and writes the JSON answer (200) or the error body into `res`.
  grpc::Status CallAndRender(const httplib::Request& req, const std::string& grpc_path,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response, httplib::Response& res) const;

  // What the transport asks before reading a body (after Build()): the
  // largest body `req`'s route accepts (its adapter's, the streaming cap for
  // streaming adapters, else Options::max_body_bytes, unknown paths
  // included) and whether the route reads its body as it arrives.
  struct BodyRule {
    size_t cap = 0;
    bool streaming = false;
  };
  BodyRule BodyRuleFor(const httplib::Request& req) const;
  // The largest cap of all routes.
  size_t LargestBodyCap() const;
  std::vector<StreamingRoute> StreamingRoutes() const;

  const GrpcInvoker& invoker() const { return invoker_; }
  // Empty until Build().
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
  size_t BodyCapOf(const Adapter* adapter) const;
  void HandleRoute(const Route& route, const PathBindings& bindings, const httplib::Request& req,
                   httplib::Response& res) const;
  // Streaming adapters must take a body: fails for one bound to a GET.
  absl::Status CheckStreamingAdapters() const;

  GrpcInvoker invoker_;
  Options options_;
  std::vector<Adapter> adapters_;
  std::optional<RouteTable> routes_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_HTTP_ROUTER_H_
