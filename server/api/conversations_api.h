#pragma once

#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "server/api/auth.h"
#include "server/domain/conversation_service.h"

namespace wa::api {

class ConversationsApi : public hotel::whatsapp::v1::ConversationsService::CallbackService {
 public:
  ConversationsApi(const Authenticator& auth, domain::ConversationService& conversations)
      : auth_(auth), conversations_(conversations) {}

  grpc::ServerUnaryReactor* GetConversation(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetConversationRequest* request,
      hotel::whatsapp::v1::Conversation* response) override;
  grpc::ServerUnaryReactor* ListConversations(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ListConversationsRequest* request,
      hotel::whatsapp::v1::ListConversationsResponse* response) override;
  grpc::ServerUnaryReactor* GetWindowStatus(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetWindowStatusRequest* request,
      hotel::whatsapp::v1::WindowStatus* response) override;

 private:
  const Authenticator& auth_;
  domain::ConversationService& conversations_;
};

}  // namespace wa::api
