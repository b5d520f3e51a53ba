#pragma once

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"

namespace wa::api {

// A unary request that leaves out a field marked
// (hotel.whatsapp.v1.required_field) is refused with INVALID_ARGUMENT
// naming the field, on gRPC as on REST (where the gateway refuses it
// before the call), for every RPC in one place. An interceptor cannot stop
// the call itself, so it notes the refusal for the call (keyed by its
// server context) and Handle() (handler.h) answers it before the body runs;
// what Handle() did not take is dropped when the status goes out.
class RequiredFieldsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// The refusal noted for the call, removed; OK when there is none.
absl::Status TakeRequestRefusal(const grpc::ServerContextBase& call);

}  // namespace wa::api
