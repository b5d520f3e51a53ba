#ifndef WA_GATEWAY_HTTP_RESPONSE_H_
#define WA_GATEWAY_HTTP_RESPONSE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/error_renderer.h"
#include "gateway/grpc_invoker.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "httplib.h"

namespace wa::gateway {

// Writing answers into an httplib::Response, shared by the generic route
// handler and the named adapters so that every answer has one shape and is
// application/json.

void WriteJson(httplib::Response& res, int http_status, std::string body);
void WriteError(httplib::Response& res, RenderedError error);
void WriteRpcError(httplib::Response& res, const grpc::Status& status);
void WriteGatewayError(httplib::Response& res, int http_status, absl::string_view code,
                       absl::string_view message);
void WriteMessage(httplib::Response& res, const google::protobuf::Message& message,
                  int http_status = 200);

// The request's id: the caller's X-Request-Id when it is usable, else a
// new one.
std::string RequestIdFor(const httplib::Request& req);

// What the RPC must see of an HTTP request: its Authorization header as
// `authorization` (auth happens once, in the server), its Idempotency-Key
// as `idempotency-key`, and the request id the answer carries (`res`'s
// X-Request-Id, set before routing) as `x-request-id`.
// A value gRPC could not carry (bytes outside printable ASCII) is dropped.
CallMetadata ForwardedMetadata(const httplib::Request& req, const httplib::Response& res);
// The same, for adapters that open their own (streaming) calls.
void AddForwardedMetadata(const httplib::Request& req, const httplib::Response& res,
                          grpc::ClientContext* context);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_HTTP_RESPONSE_H_
