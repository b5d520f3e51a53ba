#pragma once

#include "hotel/whatsapp/v1/templates.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/idempotency_service.h"
#include "server/domain/template_service.h"

namespace wa::api {

class TemplatesApi : public hotel::whatsapp::v1::TemplatesService::CallbackService {
 public:
  TemplatesApi(const CallRunner& calls, domain::TemplateService& templates,
               domain::IdempotencyService& idempotency)
      : calls_(calls), templates_(templates), idempotency_(idempotency) {}

  grpc::ServerUnaryReactor* SendTemplateMessage(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SendTemplateMessageRequest* request,
      hotel::whatsapp::v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* ListTemplates(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ListTemplatesRequest* request,
      hotel::whatsapp::v1::ListTemplatesResponse* response) override;
  grpc::ServerUnaryReactor* GetTemplate(grpc::CallbackServerContext* context,
                                        const hotel::whatsapp::v1::GetTemplateRequest* request,
                                        hotel::whatsapp::v1::Template* response) override;
  grpc::ServerUnaryReactor* SubmitTemplate(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SubmitTemplateRequest* request,
      hotel::whatsapp::v1::Template* response) override;
  grpc::ServerUnaryReactor* SyncTemplates(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SyncTemplatesRequest* request,
      hotel::whatsapp::v1::SyncTemplatesResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::TemplateService& templates_;
  domain::IdempotencyService& idempotency_;
};

}  // namespace wa::api
