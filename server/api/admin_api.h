#pragma once

#include "hotel/whatsapp/v1/admin.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/audit_service.h"
#include "server/domain/token_service.h"

namespace wa::api {

// Token administration and the audit log of the caller's own property.
class AdminApi : public hotel::whatsapp::v1::AdminService::CallbackService {
 public:
  AdminApi(const CallRunner& calls, domain::TokenService& tokens, domain::AuditService& audit)
      : calls_(calls), tokens_(tokens), audit_(audit) {}

  grpc::ServerUnaryReactor* CreateToken(
      grpc::CallbackServerContext* context, const hotel::whatsapp::v1::CreateTokenRequest* request,
      hotel::whatsapp::v1::CreateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::ListTokensRequest* request,
                                       hotel::whatsapp::v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const hotel::whatsapp::v1::RevokeTokenRequest* request,
                                        hotel::whatsapp::v1::TokenInfo* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ListAuditEventsRequest* request,
      hotel::whatsapp::v1::ListAuditEventsResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::TokenService& tokens_;
  domain::AuditService& audit_;
};

}  // namespace wa::api
