#pragma once

#include "hotel/whatsapp/v1/messages.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/batch_service.h"
#include "server/domain/idempotency_service.h"
#include "server/domain/messaging_service.h"
#include "server/domain/schedule_service.h"

namespace wa::api {

class MessagesApi : public hotel::whatsapp::v1::MessagesService::CallbackService {
 public:
  MessagesApi(const CallRunner& calls, domain::MessagingService& messaging,
              domain::BatchService& batches, domain::IdempotencyService& idempotency,
              domain::ScheduleService& schedules)
      : calls_(calls),
        messaging_(messaging),
        batches_(batches),
        idempotency_(idempotency),
        schedules_(schedules) {}

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
  grpc::ServerUnaryReactor* BatchSendMessages(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::BatchSendMessagesRequest* request,
      hotel::whatsapp::v1::BatchSendMessagesResponse* response) override;
  grpc::ServerUnaryReactor* GetBatch(grpc::CallbackServerContext* context,
                                     const hotel::whatsapp::v1::GetBatchRequest* request,
                                     hotel::whatsapp::v1::Batch* response) override;
  grpc::ServerUnaryReactor* CancelBatch(grpc::CallbackServerContext* context,
                                        const hotel::whatsapp::v1::CancelBatchRequest* request,
                                        hotel::whatsapp::v1::Batch* response) override;
  grpc::ServerUnaryReactor* CancelMessage(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::CancelMessageRequest* request,
      hotel::whatsapp::v1::MessageStatusResponse* response) override;
  grpc::ServerUnaryReactor* RescheduleMessage(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::RescheduleMessageRequest* request,
      hotel::whatsapp::v1::MessageStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListMessages(
      grpc::CallbackServerContext* context, const hotel::whatsapp::v1::ListMessagesRequest* request,
      hotel::whatsapp::v1::ListMessagesResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::MessagingService& messaging_;
  domain::BatchService& batches_;
  domain::IdempotencyService& idempotency_;
  domain::ScheduleService& schedules_;
};

}  // namespace wa::api
