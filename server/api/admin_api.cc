#include "server/api/admin_api.h"

#include "server/api/handler.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

grpc::ServerUnaryReactor* AdminApi::CreateToken(grpc::CallbackServerContext* context,
                                                const v1::CreateTokenRequest* request,
                                                v1::CreateTokenResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::IssuedToken> issued =
        tokens_.Create(request->name(), request->role(), caller.property_id);
    if (!issued.ok()) return issued.status();
    ToTokenInfo(issued->record, response->mutable_token_info());
    response->set_token(issued->secret);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminApi::ListTokens(grpc::CallbackServerContext* context,
                                               const v1::ListTokensRequest* /*request*/,
                                               v1::ListTokensResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<std::vector<storage::TokenRecord>> tokens = tokens_.List(caller.property_id);
    if (!tokens.ok()) return tokens.status();
    for (const storage::TokenRecord& token : *tokens) ToTokenInfo(token, response->add_tokens());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminApi::RevokeToken(grpc::CallbackServerContext* context,
                                                const v1::RevokeTokenRequest* request,
                                                v1::TokenInfo* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::TokenRecord> revoked =
        tokens_.Revoke(request->token_id(), caller.property_id);
    if (revoked.ok()) ToTokenInfo(*revoked, response);
    return revoked.status();
  });
}

}  // namespace wa::api
