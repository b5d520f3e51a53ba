#include "server/api/messages_api.h"

#include "server/api/batch_mapping.h"
#include "server/api/handler.h"
#include "server/api/idempotency.h"
#include "server/api/proto_mapping.h"
#include "server/api/timing_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Who a send goes to and who sends it: the same fields on every send request.
template <typename Request>
domain::OutboundRequest Addressing(const Request& request) {
  domain::OutboundRequest out;
  out.guest_phone = request.guest_phone();
  out.guest_user_id = request.guest_user_id();
  out.conversation_id = request.conversation_id();
  out.staff_member_id = request.staff_member_id();
  out.from_phone_number_id = request.from_phone_number_id();
  return out;
}

}  // namespace

grpc::ServerUnaryReactor* MessagesApi::SendMessage(grpc::CallbackServerContext* context,
                                                   const v1::SendMessageRequest* request,
                                                   v1::SendMessageResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return RunIdempotent(idempotency_, *context, caller, *request, response, [&](Remember r) {
      domain::OutboundRequest out = Addressing(*request);
      absl::StatusOr<domain::TimingRequest> timing = TimingOf(*request);
      if (!timing.ok()) return timing.status();
      out.timing = *std::move(timing);
      out.reply_to_message_id = request->reply_to_message_id();
      out.message_type = request->message_type();
      out.body = request->content().text();
      out.content.mutable_text()->set_preview_url(request->content().preview_url());
      out.in_transaction = RememberSend(std::move(r), response);
      absl::StatusOr<storage::MessageRecord> sent = messaging_.SendText(caller, std::move(out));
      if (sent.ok()) ToSendResponse(*sent, response);
      return sent.status();
    });
  });
}

grpc::ServerUnaryReactor* MessagesApi::SendMediaMessage(grpc::CallbackServerContext* context,
                                                        const v1::SendMediaMessageRequest* request,
                                                        v1::SendMessageResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return RunIdempotent(idempotency_, *context, caller, *request, response, [&](Remember r) {
      domain::OutboundRequest out = Addressing(*request);
      absl::StatusOr<domain::TimingRequest> timing = TimingOf(*request);
      if (!timing.ok()) return timing.status();
      out.timing = *std::move(timing);
      out.in_transaction = RememberSend(std::move(r), response);
      domain::MediaSend media{request->media_id(), request->media_type(), request->caption(),
                              request->filename()};
      absl::StatusOr<storage::MessageRecord> sent =
          messaging_.SendMedia(caller, std::move(out), media);
      if (sent.ok()) ToSendResponse(*sent, response);
      return sent.status();
    });
  });
}

grpc::ServerUnaryReactor* MessagesApi::SendInteractiveMessage(
    grpc::CallbackServerContext* context, const v1::SendInteractiveMessageRequest* request,
    v1::SendMessageResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return RunIdempotent(idempotency_, *context, caller, *request, response, [&](Remember r) {
      domain::OutboundRequest out = Addressing(*request);
      absl::StatusOr<domain::TimingRequest> timing = TimingOf(*request);
      if (!timing.ok()) return timing.status();
      out.timing = *std::move(timing);
      out.in_transaction = RememberSend(std::move(r), response);
      absl::StatusOr<storage::MessageRecord> sent = messaging_.SendInteractive(
          caller, std::move(out), request->interactive_type(), request->content());
      if (sent.ok()) ToSendResponse(*sent, response);
      return sent.status();
    });
  });
}

grpc::ServerUnaryReactor* MessagesApi::GetMessageStatus(grpc::CallbackServerContext* context,
                                                        const v1::GetMessageStatusRequest* request,
                                                        v1::MessageStatusResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::MessageRecord> message =
        messaging_.Get(caller.property_id, request->message_id());
    if (message.ok()) ToStatus(*message, response);
    return message.status();
  });
}

grpc::ServerUnaryReactor* MessagesApi::BatchSendMessages(
    grpc::CallbackServerContext* context, const v1::BatchSendMessagesRequest* request,
    v1::BatchSendMessagesResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return RunIdempotent(idempotency_, *context, caller, *request, response, [&](Remember r) {
      domain::BatchRequest batch = FromBatchRequest(*request);
      if (r) {
        batch.in_transaction = [&](const domain::BatchAccepted& accepted) {
          ToBatchResponse(accepted, response);
          return r();
        };
      }
      absl::StatusOr<domain::BatchAccepted> accepted = batches_.Create(caller, std::move(batch));
      if (!accepted.ok()) return accepted.status();
      response->Clear();
      ToBatchResponse(*accepted, response);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* MessagesApi::GetBatch(grpc::CallbackServerContext* context,
                                                const v1::GetBatchRequest* request,
                                                v1::Batch* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::BatchView> batch = batches_.Get(
        caller.property_id, request->batch_id(), request->page_size(), request->page_token());
    if (batch.ok()) ToBatch(*batch, response);
    return batch.status();
  });
}

grpc::ServerUnaryReactor* MessagesApi::CancelBatch(grpc::CallbackServerContext* context,
                                                   const v1::CancelBatchRequest* request,
                                                   v1::Batch* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::BatchView> batch =
        batches_.Cancel(caller.property_id, request->batch_id());
    if (batch.ok()) ToBatch(*batch, response);
    return batch.status();
  });
}

grpc::ServerUnaryReactor* MessagesApi::CancelMessage(grpc::CallbackServerContext* context,
                                                     const v1::CancelMessageRequest* request,
                                                     v1::MessageStatusResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::MessageRecord> message =
        schedules_.Cancel(caller.property_id, request->message_id(), request->reason());
    if (message.ok()) ToStatus(*message, response);
    return message.status();
  });
}

grpc::ServerUnaryReactor* MessagesApi::RescheduleMessage(
    grpc::CallbackServerContext* context, const v1::RescheduleMessageRequest* request,
    v1::MessageStatusResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::TimingRequest> timing =
        ToTiming(request->has_send_at() ? &request->send_at() : nullptr, "", false);
    if (!timing.ok()) return timing.status();
    absl::StatusOr<storage::MessageRecord> message =
        schedules_.Reschedule(caller.property_id, request->message_id(), *timing);
    if (message.ok()) ToStatus(*message, response);
    return message.status();
  });
}

grpc::ServerUnaryReactor* MessagesApi::ListMessages(grpc::CallbackServerContext* context,
                                                    const v1::ListMessagesRequest* request,
                                                    v1::ListMessagesResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    domain::MessageQuery query{request->status(),      request->conversation_id(),
                               request->guest_phone(), request->scheduled_before(),
                               request->page_size(),   request->page_token()};
    absl::StatusOr<domain::MessagePage> page = schedules_.List(caller.property_id, query);
    if (!page.ok()) return page.status();
    for (const storage::MessageRecord& m : page->messages) ToStatus(m, response->add_messages());
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
