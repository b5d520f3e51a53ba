#include "server/api/conversations_api.h"

#include "absl/time/clock.h"
#include "server/api/handler.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

grpc::ServerUnaryReactor* ConversationsApi::GetConversation(
    grpc::CallbackServerContext* context, const v1::GetConversationRequest* request,
    v1::Conversation* response) {
  return Handle(context, auth_, v1::ROLE_STAFF, [&](const domain::Caller& caller) {
    absl::StatusOr<domain::ConversationView> view = conversations_.Get(
        caller.property_id, request->conversation_id(), request->message_limit());
    if (view.ok()) ToConversation(*view, response);
    return view.status();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::ListConversations(
    grpc::CallbackServerContext* context, const v1::ListConversationsRequest* request,
    v1::ListConversationsResponse* response) {
  return Handle(context, auth_, v1::ROLE_STAFF, [&](const domain::Caller& caller) {
    domain::ConversationQuery query{request->guest_phone(), request->status(), request->page_size(),
                                    request->page_token()};
    absl::StatusOr<domain::ConversationPage> page = conversations_.List(caller.property_id, query);
    if (!page.ok()) return page.status();
    for (const storage::ConversationRecord& c : page->conversations) {
      ToConversation(c, response->add_conversations());
    }
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ConversationsApi::GetWindowStatus(
    grpc::CallbackServerContext* context, const v1::GetWindowStatusRequest* request,
    v1::WindowStatus* response) {
  return Handle(context, auth_, v1::ROLE_STAFF, [&](const domain::Caller& caller) {
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
    response->set_guest_phone(view->conversation.guest_phone);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
