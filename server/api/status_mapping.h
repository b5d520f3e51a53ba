#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace wa::api {

// absl and gRPC share status code numbers; the contract's ErrorDetail moves
// from the absl payload into a google.rpc.Status in the gRPC error details,
// where gRPC clients and the gateway read it.
//
// A failure of the server's own (internal, unavailable, data loss, a
// library's or the database's text) never reaches the client: it answers a
// stable message with `request_id`, and its full text is logged under that
// id. Errors built for the client (domain::Error) and the client-fault codes
// keep their message.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view request_id);
// The same with the request id of the calling thread (util::ScopedRequestId).
grpc::Status ToGrpcStatus(const absl::Status& status);

// What a client is told of `status`: itself, or the stable stand-in above
// (without logging).
absl::Status ClientFacing(const absl::Status& status, absl::string_view request_id);

// "OK", "INVALID_ARGUMENT", ...: the canonical name of a gRPC code.
const char* GrpcCodeName(grpc::StatusCode code);

// The contract's error code a status carries in its details ("OK" for OK;
// the canonical name when it carries none).
std::string ContractCode(const grpc::Status& status);

}  // namespace wa::api
