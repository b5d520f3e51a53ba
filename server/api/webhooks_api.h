#pragma once

#include "hotel/whatsapp/v1/webhooks.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/webhook_service.h"

namespace wa::api {

// The hotel's webhook, admin only.
class WebhooksApi : public hotel::whatsapp::v1::WebhooksService::CallbackService {
 public:
  WebhooksApi(const CallRunner& calls, domain::WebhookService& webhooks)
      : calls_(calls), webhooks_(webhooks) {}

  grpc::ServerUnaryReactor* ConfigureWebhook(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ConfigureWebhookRequest* request,
      hotel::whatsapp::v1::ConfigureWebhookResponse* response) override;
  grpc::ServerUnaryReactor* GetWebhookConfig(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetWebhookConfigRequest* request,
      hotel::whatsapp::v1::WebhookConfig* response) override;
  grpc::ServerUnaryReactor* RotateWebhookSecret(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::RotateWebhookSecretRequest* request,
      hotel::whatsapp::v1::RotateWebhookSecretResponse* response) override;
  grpc::ServerUnaryReactor* ListWebhookDeliveries(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ListWebhookDeliveriesRequest* request,
      hotel::whatsapp::v1::ListWebhookDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* GetWebhookDelivery(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetWebhookDeliveryRequest* request,
      hotel::whatsapp::v1::WebhookDeliveryDetail* response) override;
  grpc::ServerUnaryReactor* ReplayWebhookDelivery(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ReplayWebhookDeliveryRequest* request,
      hotel::whatsapp::v1::WebhookDelivery* response) override;
  grpc::ServerUnaryReactor* ReplayDeadLetters(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ReplayDeadLettersRequest* request,
      hotel::whatsapp::v1::ReplayDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* SendTestWebhook(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SendTestWebhookRequest* request,
      hotel::whatsapp::v1::WebhookDelivery* response) override;

 private:
  const CallRunner& calls_;
  domain::WebhookService& webhooks_;
};

}  // namespace wa::api
