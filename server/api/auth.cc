#include "server/api/auth.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

Authenticator::Authenticator(domain::TokenService& tokens, RequestBudget budget,
                             CallRegistry* calls, const domain::RateLimiterFactory& limiters)
    : tokens_(tokens), budget_(budget), calls_(calls) {
  if (budget.per_second > 0) {
    limiter_ = limiters("token", budget.per_second, std::max(budget.burst, budget.per_second));
  }
}

absl::Status Authenticator::TakeBudget(const domain::Caller& caller) const {
  if (limiter_ == nullptr) return absl::OkStatus();
  // A shared budget that cannot be read fails the call (UNAVAILABLE), as
  // the rest of the call would.
  absl::StatusOr<absl::Duration> wait = limiter_->TryTake(caller.token_id, absl::Now());
  if (!wait.ok()) return wait.status();
  if (*wait == absl::ZeroDuration()) return absl::OkStatus();
  // Milliseconds are plenty; REST rounds up to whole seconds for Retry-After.
  double seconds = std::ceil(absl::ToDoubleMilliseconds(*wait)) / 1000;
  return domain::RateLimitExceeded("Too many requests for this token; slow down", seconds)
      .Detail("scope", "token")
      .Detail("requests_per_second", budget_.per_second)
      .Detail("burst", std::max(budget_.burst, budget_.per_second));
}

absl::StatusOr<domain::Caller> Authenticator::Authorize(const grpc::ServerContextBase& context,
                                                        v1::Role required) const {
  std::string secret;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    if (absl::StartsWithIgnoreCase(value, "bearer ")) {
      secret = std::string(absl::StripAsciiWhitespace(value.substr(7)));
    }
  }
  absl::StatusOr<domain::Caller> caller = tokens_.Authenticate(secret);
  if (!caller.ok()) return caller.status();
  if (calls_ != nullptr) calls_->Note(&context, {*caller, required});
  if (required == v1::ROLE_ADMIN && caller->role != v1::ROLE_ADMIN) {
    return domain::Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                         "this operation needs an admin token")
        .Detail("required_role", "admin")
        .Recovery({"Ask an administrator to perform this operation"});
  }
  if (absl::Status s = TakeBudget(*caller); !s.ok()) return s;
  return caller;
}

}  // namespace wa::api
