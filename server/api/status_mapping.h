#pragma once

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace wa::api {

// absl and gRPC share status code numbers; the contract's ErrorDetail moves
// from the absl payload into a google.rpc.Status in the gRPC error details,
// where gRPC clients and the gateway read it.
grpc::Status ToGrpcStatus(const absl::Status& status);

// "OK", "INVALID_ARGUMENT", ...: the canonical name of a gRPC code.
const char* GrpcCodeName(grpc::StatusCode code);

// The contract's error code a status carries in its details ("OK" for OK;
// the canonical name when it carries none).
std::string ContractCode(const grpc::Status& status);

}  // namespace wa::api
