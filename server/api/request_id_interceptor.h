#pragma once

#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"

namespace wa::api {

// Gives every RPC a request id: the caller's `x-request-id` metadata when it
// is usable (the REST gateway always sends one), else a new one, which then
// replaces the caller's in the call's metadata so that handlers read the
// id in force (RequestIdOf). The id goes back in the initial metadata
// `x-request-id`. With `log_requests`, each finished RPC is one log line
// (method, code, duration, request id).
class RequestIdInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RequestIdInterceptorFactory(bool log_requests) : log_requests_(log_requests) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  bool log_requests_;
};

// The request id in force for a call the interceptor has seen.
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace wa::api
