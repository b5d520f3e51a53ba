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

namespace {

void ToAuditEvent(const storage::AuditRecord& in, v1::AuditEvent* out) {
  out->set_sequence(in.seq);
  SetTimestamp(in.occurred_at, out->mutable_occurred_at());
  out->set_token_id(in.token_id);
  out->set_role(in.role);
  out->set_method(in.method);
  out->mutable_resources()->insert(in.resources.begin(), in.resources.end());
  out->set_code(in.code);
  out->set_grpc_code(in.grpc_code);
  out->set_error_message(in.error_message);
}

}  // namespace

grpc::ServerUnaryReactor* AdminApi::ListAuditEvents(grpc::CallbackServerContext* context,
                                                    const v1::ListAuditEventsRequest* request,
                                                    v1::ListAuditEventsResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    domain::AuditQuery query;
    query.property_id = caller.property_id;
    query.token_id = request->token_id();
    query.method = request->method();
    if (request->has_since()) query.since = FromTimestamp(request->since());
    if (request->has_until()) query.until = FromTimestamp(request->until());
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    absl::StatusOr<domain::AuditPage> page = audit_.List(query);
    if (!page.ok()) return page.status();
    for (const storage::AuditRecord& e : page->events) ToAuditEvent(e, response->add_events());
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
