#ifndef WA_GATEWAY_ERROR_RENDERER_H_
#define WA_GATEWAY_ERROR_RENDERER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace wa::gateway {

// An error as REST answers it, in the reference's shape:
//   {"error":{"code":"MESSAGE_WINDOW_EXPIRED","message":"...",
//             "details":{...},"recovery_options":[...]}}
struct RenderedError {
  int http_status = 500;
  std::string body;
  // From the details' `retry_after_seconds`, rounded up: sent as the
  // Retry-After header. 0: none.
  int retry_after_seconds = 0;
};

// Renders an RPC's failure. When the status carries a google.rpc.Status whose
// details hold a hotel.whatsapp.v1.ErrorDetail, that detail is the error;
// otherwise the code is the gRPC code's name, the message the status
// message, with empty details and recovery options.
RenderedError RenderRpcError(const grpc::Status& status);

// Renders an error the gateway makes itself (unknown path, bad JSON, ...).
RenderedError RenderGatewayError(int http_status, absl::string_view code,
                                 absl::string_view message);

// Renders a gateway-side absl::Status (e.g. from transcoding) with the gRPC
// table's HTTP status and the code's name.
RenderedError RenderStatusError(const absl::Status& status);

// Appends a recovery option to a rendered error body.
void AddRecoveryOption(RenderedError* error, absl::string_view option);

// grpc-gateway's table: INVALID_ARGUMENT -> 400, NOT_FOUND -> 404, ...
int HttpStatusFromGrpcCode(grpc::StatusCode code);

// The reference's statuses for its own codes (MESSAGE_WINDOW_EXPIRED -> 403,
// ...), else the table for `fallback`.
int HttpStatusFromErrorCode(absl::string_view code, grpc::StatusCode fallback);

// "INVALID_ARGUMENT", "NOT_FOUND", ...; "UNKNOWN" for a number out of range.
absl::string_view GrpcCodeName(grpc::StatusCode code);

// Low-level: the body for the given parts; `details_json` must be a JSON object.
std::string ErrorBody(absl::string_view code, absl::string_view message,
                      absl::string_view details_json,
                      const std::vector<std::string>& recovery_options);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_ERROR_RENDERER_H_
