#pragma once

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/api/auth.h"
#include "server/api/request_id_interceptor.h"
#include "server/api/required_fields_interceptor.h"
#include "server/api/status_mapping.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"
#include "server/util/thread_pool.h"

namespace wa::api {

// What every unary RPC needs to run: who may call it, and the threads its
// body runs on. gRPC runs callback handlers on a couple of threads of its
// own (two on a 2-core machine); a body that waited there for its durable
// commit would leave at most two requests in each group commit. On the
// pool, every request in flight waits in the same commit, so one fsync
// acknowledges them all.
class CallRunner {
 public:
  CallRunner(const Authenticator& auth, util::ThreadPool& pool) : auth_(auth), pool_(pool) {}

  const Authenticator& auth() const { return auth_; }
  util::ThreadPool& pool() const { return pool_; }

 private:
  const Authenticator& auth_;
  util::ThreadPool& pool_;
};

// Runs `body()` (returning absl::Status) on `pool` and finishes the RPC with
// the mapped status. `body` runs after the handler has returned, so it must
// hold the request, response and context by pointer (capture by value),
// never by reference to the handler's parameters. Lines logged meanwhile on
// the pool thread carry the call's request id.
template <typename Body>
grpc::ServerUnaryReactor* RunOnPool(grpc::CallbackServerContext* context, util::ThreadPool& pool,
                                    Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool.Schedule([context, reactor, body = std::move(body)] {
    util::ScopedRequestId request_id(RequestIdOf(*context));
    reactor->Finish(ToGrpcStatus(body()));
  });
  return reactor;
}

// Runs one unary RPC on the pool: authorize the caller for `role`, refuse a
// request without its required fields (required_fields_interceptor.h),
// run `body(caller)` (returning absl::Status), and finish with the mapped
// status. Every service method goes through here, so these checks and
// error mapping are done exactly once, the same way, for both surfaces.
template <typename Body>
grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* context, const CallRunner& calls,
                                 hotel::whatsapp::v1::Role role, Body body) {
  return RunOnPool(context, calls.pool(),
                   [context, &auth = calls.auth(), role, body = std::move(body)] {
                     // The caller first: one without a valid token learns
                     // nothing of the contract, not even a missing field.
                     absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, role);
                     if (!caller.ok()) return caller.status();
                     RETURN_IF_ERROR(TakeRequestRefusal(*context));
                     return body(*caller);
                   });
}

}  // namespace wa::api
