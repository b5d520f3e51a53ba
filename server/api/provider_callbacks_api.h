#pragma once

#include <string>

#include "hotel/whatsapp/v1/provider_callbacks.grpc.pb.h"
#include "server/domain/notification_inbox.h"
#include "server/domain/wake_ups.h"
#include "server/util/thread_pool.h"

namespace wa::api {

// Meta's webhook: the handshake and signed notifications. Authenticated by
// Meta's verify token and signature, not by a bearer token.
class ProviderCallbacksApi : public hotel::whatsapp::v1::ProviderCallbacksService::CallbackService {
 public:
  struct Secrets {
    std::string verify_token;  // WA_META_VERIFY_TOKEN
    std::string app_secret;    // WA_META_APP_SECRET
  };

  // A stored callback wakes `processor` (workers::NotificationProcessor).
  ProviderCallbacksApi(domain::NotificationInbox& inbox, util::ThreadPool& pool, Secrets secrets,
                       domain::NotificationWaker& processor)
      : inbox_(inbox), pool_(pool), secrets_(std::move(secrets)), processor_(processor) {}

  grpc::ServerUnaryReactor* VerifySubscription(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::VerifySubscriptionRequest* request,
      hotel::whatsapp::v1::VerifySubscriptionResponse* response) override;
  grpc::ServerUnaryReactor* ReceiveNotification(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ReceiveNotificationRequest* request,
      hotel::whatsapp::v1::ReceiveNotificationResponse* response) override;

 private:
  domain::NotificationInbox& inbox_;
  util::ThreadPool& pool_;
  Secrets secrets_;
  domain::NotificationWaker& processor_;
};

}  // namespace wa::api
