#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace wa::api {

// absl and gRPC share status code numbers; the contract's ErrorDetail moves
// from the absl payload into a google.rpc.Status in the gRPC error details,
// where gRPC clients and the gateway read it.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The code's name as gRPC spells it ("NOT_FOUND"), for metrics and logs.
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace wa::api
