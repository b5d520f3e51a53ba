#pragma once

#include "grpcpp/support/server_interceptor.h"

namespace wa::api {

// A unary request whose bytes do not parse as its message (invalid UTF-8 in
// a string field, a wrong wire type, truncated bytes) never reaches a
// service: gRPC 1.51 answers UNIMPLEMENTED with an empty message, as if
// the method did not exist. It is the client's
// input that is wrong, so this turns that answer into the contract's
// INVALID_ARGUMENT with an ErrorDetail, as for every other bad input.
class UnparsableRequestInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace wa::api
