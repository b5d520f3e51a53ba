#pragma once

#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/analytics_service.h"
#include "server/domain/conversation_service.h"
#include "server/domain/read_receipts.h"

namespace wa::api {

class ConversationsApi : public hotel::whatsapp::v1::ConversationsService::CallbackService {
 public:
  ConversationsApi(const CallRunner& calls, domain::ConversationService& conversations,
                   domain::AnalyticsService& analytics, domain::ReadReceipts& read_receipts)
      : calls_(calls),
        conversations_(conversations),
        analytics_(analytics),
        read_receipts_(read_receipts) {}

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
  grpc::ServerUnaryReactor* ResolveConversation(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ResolveConversationRequest* request,
      hotel::whatsapp::v1::Conversation* response) override;
  grpc::ServerUnaryReactor* AssignConversation(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::AssignConversationRequest* request,
      hotel::whatsapp::v1::Conversation* response) override;
  grpc::ServerUnaryReactor* UpdateConversationMetadata(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::UpdateConversationMetadataRequest* request,
      hotel::whatsapp::v1::Conversation* response) override;
  grpc::ServerUnaryReactor* GetConversationAnalytics(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetConversationAnalyticsRequest* request,
      hotel::whatsapp::v1::ConversationAnalytics* response) override;
  grpc::ServerUnaryReactor* GetPropertyAnalytics(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetPropertyAnalyticsRequest* request,
      hotel::whatsapp::v1::PropertyAnalytics* response) override;

  grpc::ServerUnaryReactor* MarkConversationRead(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::MarkConversationReadRequest* request,
      hotel::whatsapp::v1::MarkConversationReadResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::ConversationService& conversations_;
  domain::AnalyticsService& analytics_;
  domain::ReadReceipts& read_receipts_;
};

}  // namespace wa::api
