#pragma once

#include "hotel/whatsapp/v1/messages.grpc.pb.h"
#include "server/api/auth.h"
#include "server/domain/messaging_service.h"

namespace wa::api {

class MessagesApi : public hotel::whatsapp::v1::MessagesService::CallbackService {
 public:
  MessagesApi(const Authenticator& auth, domain::MessagingService& messaging)
      : auth_(auth), messaging_(messaging) {}

  grpc::ServerUnaryReactor* SendMessage(
      grpc::CallbackServerContext* context, const hotel::whatsapp::v1::SendMessageRequest* request,
      hotel::whatsapp::v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* SendMediaMessage(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SendMediaMessageRequest* request,
      hotel::whatsapp::v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* SendInteractiveMessage(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SendInteractiveMessageRequest* request,
      hotel::whatsapp::v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* GetMessageStatus(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetMessageStatusRequest* request,
      hotel::whatsapp::v1::MessageStatusResponse* response) override;

 private:
  const Authenticator& auth_;
  domain::MessagingService& messaging_;
};

}  // namespace wa::api
