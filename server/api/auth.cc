#include "server/api/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "server/domain/errors.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

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
  if (required == v1::ROLE_ADMIN && caller->role != v1::ROLE_ADMIN) {
    return domain::Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                         "this operation needs an admin token")
        .Detail("required_role", "admin")
        .Recovery({"Ask an administrator to perform this operation"});
  }
  return caller;
}

}  // namespace wa::api
