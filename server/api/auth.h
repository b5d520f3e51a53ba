#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/api/call_registry.h"
#include "server/domain/local_rate_limiter.h"
#include "server/domain/rate_limiter.h"
#include "server/domain/token_service.h"

namespace wa::api {

// Each token's request budget: `per_second` requests refill up to `burst`.
// 0 per second: unlimited.
struct RequestBudget {
  double per_second = 0;
  double burst = 0;
};

// The one place every RPC's caller is checked: the bearer token in the
// `authorization` metadata must be live, its role must allow the call
// (admin may do everything staff may), and it must have budget left.
// Each caller it resolves is noted in `calls` (when given) for the audit log,
// whether or not the role and budget then let the call through.
class Authenticator {
 public:
  // The budget is kept by a limiter of `limiters` (in process by default;
  // shared by the instances on PostgreSQL, app.cc).
  explicit Authenticator(domain::TokenService& tokens, RequestBudget budget = {},
                         CallRegistry* calls = nullptr,
                         const domain::RateLimiterFactory& limiters = domain::LocalRateLimiters());

  absl::StatusOr<domain::Caller> Authorize(const grpc::ServerContextBase& context,
                                           hotel::whatsapp::v1::Role required) const;

 private:
  absl::Status TakeBudget(const domain::Caller& caller) const;

  domain::TokenService& tokens_;
  RequestBudget budget_;
  std::unique_ptr<domain::RateLimiter> limiter_;  // null when unlimited
  CallRegistry* calls_;
};

}  // namespace wa::api
