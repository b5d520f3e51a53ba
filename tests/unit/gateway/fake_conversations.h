#pragma once

// A tiny fake of ConversationsService for the gateway's tests: it echoes
// what the gateway forwarded (headers, fields) so a test can see it.
#include <string>

#include "google/rpc/status.pb.h"
#include "grpcpp/server_context.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "hotel/whatsapp/v1/conversations.grpc.pb.h"

namespace wa::gateway::testing {

namespace v1 = ::hotel::whatsapp::v1;

// The fake's REST collection, as its google.api.http rules declare it.
inline constexpr char kConversations[] = "/api/v1/whatsapp/conversations";

inline std::string Metadata(grpc::ServerContext* ctx, const std::string& key) {
  auto it = ctx->client_metadata().find(key);
  if (it == ctx->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class FakeConversations final : public v1::ConversationsService::Service {
 public:
  grpc::Status GetConversation(grpc::ServerContext* ctx, const v1::GetConversationRequest* req,
                               v1::Conversation* resp) override {
    if (Metadata(ctx, "authorization").empty()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing bearer token");
    }
    if (req->conversation_id() == "expired") return WindowExpired();
    resp->set_conversation_id(req->conversation_id());
    resp->set_guest_phone("+1234567890");
    resp->set_status(v1::CONVERSATION_STATUS_ACTIVE);
    resp->mutable_created_at()->set_seconds(1705312800);
    // Echoes, so the test can see what the gateway forwarded.
    resp->set_resolved_by(Metadata(ctx, "authorization"));
    resp->set_resolution_notes(Metadata(ctx, "x-request-id"));
    resp->set_message_count(req->message_limit());
    if (std::string key = Metadata(ctx, "idempotency-key"); !key.empty()) {
      (*resp->mutable_metadata())["idempotency-key"] = key;
    }
    return grpc::Status::OK;
  }

  grpc::Status ListConversations(grpc::ServerContext*, const v1::ListConversationsRequest* req,
                                 v1::ListConversationsResponse* resp) override {
    v1::Conversation* c = resp->add_conversations();
    c->set_guest_phone(req->guest_phone());
    c->set_status(req->status());
    c->set_message_count(req->page_size());
    return grpc::Status::OK;
  }

  grpc::Status ResolveConversation(grpc::ServerContext*, const v1::ResolveConversationRequest* req,
                                   v1::Conversation* resp) override {
    resp->set_conversation_id(req->conversation_id());
    resp->set_status(v1::CONVERSATION_STATUS_RESOLVED);
    resp->set_resolution_notes(req->resolution_notes());
    resp->set_satisfaction_rating(req->satisfaction_rating());
    resp->set_follow_up_required(req->follow_up_required());
    return grpc::Status::OK;
  }

 private:
  static grpc::Status WindowExpired() {
    v1::ErrorDetail detail;
    detail.set_code("MESSAGE_WINDOW_EXPIRED");
    detail.set_message("Cannot send free-form message outside 24-hour window");
    (*detail.mutable_details()->mutable_fields())["guest_phone"].set_string_value("+1234567890");
    detail.add_recovery_options("Use approved template message");
    google::rpc::Status rpc;
    rpc.set_code(grpc::StatusCode::FAILED_PRECONDITION);
    rpc.set_message(detail.message());
    rpc.add_details()->PackFrom(detail);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, detail.message(),
                        rpc.SerializeAsString());
  }
};

}  // namespace wa::gateway::testing
