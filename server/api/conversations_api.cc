#include "server/api/conversations_api.h"

#include "absl/time/clock.h"
#include "server/api/handler.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

absl::Status Render(const absl::StatusOr<domain::ConversationView>& view,
                    v1::Conversation* response) {
  if (view.ok()) ToConversation(*view, response);
  return view.status();
}

}  // namespace

grpc::ServerUnaryReactor* ConversationsApi::GetConversation(
    grpc::CallbackServerContext* context, const v1::GetConversationRequest* request,
    v1::Conversation* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::ConversationView> view = conversations_.Get(
        caller.property_id, request->conversation_id(), request->message_limit());
    if (view.ok()) ToConversation(*view, response);
    return view.status();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::ListConversations(
    grpc::CallbackServerContext* context, const v1::ListConversationsRequest* request,
    v1::ListConversationsResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    domain::ConversationQuery query;
    query.guest_phone = request->guest_phone();
    query.status = request->status();
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    query.guest_user_id = request->guest_user_id();
    query.assigned_to = request->assigned_to();
    query.department = request->department();
    if (request->has_updated_after()) query.updated_after = FromTimestamp(request->updated_after());
    if (request->has_updated_before()) {
      query.updated_before = FromTimestamp(request->updated_before());
    }
    absl::StatusOr<domain::ConversationPage> page = conversations_.List(caller.property_id, query);
    if (!page.ok()) return page.status();
    for (const domain::ConversationView& c : page->conversations) {
      ToConversation(c, response->add_conversations());
    }
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::GetWindowStatus(
    grpc::CallbackServerContext* context, const v1::GetWindowStatusRequest* request,
    v1::WindowStatus* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::WindowView> view =
        conversations_.Window(caller.property_id, request->conversation_id(), absl::Now());
    if (!view.ok()) return view.status();
    const domain::WindowState& window = view->window;
    response->set_within_window(window.within_window);
    if (window.expires_at) SetTimestamp(*window.expires_at, response->mutable_window_expires_at());
    response->set_hours_remaining(window.hours_remaining);
    if (window.last_guest_message_at) {
      SetTimestamp(*window.last_guest_message_at, response->mutable_last_guest_message_at());
    }
    response->set_conversation_id(view->conversation.conversation_id);
    response->set_guest_phone(domain::PhoneOfKey(view->conversation.guest_phone));
    response->set_guest_user_id(GuestUserId(view->conversation));
    response->set_guest_username(view->conversation.guest_username);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::MarkConversationRead(
    grpc::CallbackServerContext* context, const v1::MarkConversationReadRequest* request,
    v1::MarkConversationReadResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::ReadReceipt> receipt =
        read_receipts_.MarkRead(caller.property_id, request->conversation_id(), request->typing());
    if (!receipt.ok()) return receipt.status();
    response->set_conversation_id(receipt->conversation_id);
    response->set_message_id(receipt->message_id);
    response->set_whatsapp_message_id(receipt->whatsapp_message_id);
    response->set_phone_number_id(receipt->phone_number_id);
    response->set_typing(receipt->typing);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::ResolveConversation(
    grpc::CallbackServerContext* context, const v1::ResolveConversationRequest* request,
    v1::Conversation* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    domain::ResolveRequest resolve{request->conversation_id(), request->resolution_notes(),
                                   request->satisfaction_rating(), request->follow_up_required(),
                                   request->staff_member_id()};
    return Render(conversations_.Resolve(caller.property_id, caller.token_id, resolve), response);
  });
}

grpc::ServerUnaryReactor* ConversationsApi::AssignConversation(
    grpc::CallbackServerContext* context, const v1::AssignConversationRequest* request,
    v1::Conversation* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return Render(conversations_.Assign(caller.property_id, request->conversation_id(),
                                        request->assigned_to(), request->department()),
                  response);
  });
}

grpc::ServerUnaryReactor* ConversationsApi::UpdateConversationMetadata(
    grpc::CallbackServerContext* context, const v1::UpdateConversationMetadataRequest* request,
    v1::Conversation* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    std::map<std::string, std::string> set(request->metadata().begin(), request->metadata().end());
    std::vector<std::string> remove(request->remove_keys().begin(), request->remove_keys().end());
    return Render(
        conversations_.UpdateMetadata(caller.property_id, request->conversation_id(), set, remove),
        response);
  });
}

grpc::ServerUnaryReactor* ConversationsApi::GetConversationAnalytics(
    grpc::CallbackServerContext* context, const v1::GetConversationAnalyticsRequest* request,
    v1::ConversationAnalytics* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    auto analytics = analytics_.ForConversation(caller.property_id, request->conversation_id());
    if (analytics.ok()) *response = *std::move(analytics);
    return analytics.status();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::GetPropertyAnalytics(
    grpc::CallbackServerContext* context, const v1::GetPropertyAnalyticsRequest* request,
    v1::PropertyAnalytics* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::Time start =
        request->has_start_time() ? FromTimestamp(request->start_time()) : absl::InfinitePast();
    absl::Time end =
        request->has_end_time() ? FromTimestamp(request->end_time()) : absl::InfiniteFuture();
    auto analytics = analytics_.ForProperty(caller.property_id, start, end);
    if (analytics.ok()) *response = *std::move(analytics);
    return analytics.status();
  });
}

}  // namespace wa::api
