#ifndef WA_GATEWAY_HTTP_GATEWAY_H_
#define WA_GATEWAY_HTTP_GATEWAY_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/grpc_invoker.h"
#include "gateway/http_router.h"
#include "gateway/limited_server.h"
#include "grpcpp/channel.h"
#include "httplib.h"

namespace wa::gateway {

// The JSON/HTTP front of the gRPC services, as a transport: it listens
// (TCP, optionally TLS), holds every connection to the limits of the
// hardening work (header and body caps, deadlines, connection count, body
// memory) and hands each request it has read to its HttpRouter, which
// routes, transcodes and answers.
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

  HttpGateway(std::shared_ptr<grpc::Channel> channel, Options options);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // Where the adapters are added, before Start().
  HttpRouter& router() { return router_; }
  const HttpRouter& router() const { return router_; }

  // Builds the router's table, binds (port 0 picks a free port) and serves
  // on a background thread. Returns the bound port; fails on a bad route
  // annotation, an unknown service or a port in use.
  absl::StatusOr<int> Start();
  // Stops accepting, lets in-flight requests finish, joins the threads.
  void Stop();

 private:
  // Before routing, before any of the body is read: gives the request its
  // id, and refuses a body that is encoded, declared over its route's cap,
  // or beyond the body memory the server holds at once (body_limits.cc).
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req,
                                            httplib::Response& res) const;
  // The transport's settings and the handlers that hand requests to the
  // router.
  void ConfigureServer(LimitedServer& server);
  // Registers the router's streaming routes with httplib, which then reads
  // their bodies as they arrive.
  void InstallStreamingRoutes(httplib::Server& server);
  // Binds, and serves on thread_ until Stop(); returns the port.
  absl::StatusOr<int> Listen(std::unique_ptr<LimitedServer> server);

  Options options_;
  HttpRouter router_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_HTTP_GATEWAY_H_
