#pragma once

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/api/auth.h"
#include "server/api/request_id_interceptor.h"
#include "server/api/status_mapping.h"
#include "server/util/log.h"

namespace wa::api {

// Runs one unary RPC: authorize the caller for `role`, run `body(caller)`
// (returning absl::Status), and finish with the mapped status. Every
// service method goes through here, so auth and error mapping are done
// exactly once, the same way, for both surfaces. Lines logged meanwhile
// on this thread carry the call's request id.
template <typename Body>
grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* context, const Authenticator& auth,
                                 hotel::whatsapp::v1::Role role, Body&& body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  util::ScopedRequestId request_id(RequestIdOf(*context));
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, role);
  absl::Status status = caller.ok() ? std::forward<Body>(body)(*caller) : caller.status();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace wa::api
