#pragma once

#include "grpcpp/support/server_interceptor.h"

namespace wa::api {

// Counts every RPC by method and status code, with its latency, into
// util::Metrics. REST calls pass through here too (the gateway calls the
// server over its in-process channel).
class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace wa::api
