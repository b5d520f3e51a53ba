#pragma once

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/domain/token_service.h"

namespace wa::api {

// The one place every RPC's caller is checked: the bearer token in the
// `authorization` metadata must be live, and its role must allow the call
// (admin may do everything staff may).
class Authenticator {
 public:
  explicit Authenticator(domain::TokenService& tokens) : tokens_(tokens) {}

  absl::StatusOr<domain::Caller> Authorize(const grpc::ServerContextBase& context,
                                           hotel::whatsapp::v1::Role required) const;

 private:
  domain::TokenService& tokens_;
};

}  // namespace wa::api
