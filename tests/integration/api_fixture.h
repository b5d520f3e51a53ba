#pragma once

// The fixture the integration tests share: one real wa-server per test
// program, and each test run once per surface (gRPC and REST).
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/consent.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"

namespace wa::testing {

namespace v1 = ::hotel::whatsapp::v1;

inline constexpr char kApi[] = "/api/v1/whatsapp";

inline Rpc SendMessageRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
          absl::StrCat(kApi, "/messages/send"), true};
}
inline Rpc SendTemplateRpc() {
  return {"/hotel.whatsapp.v1.TemplatesService/SendTemplateMessage", "POST",
          absl::StrCat(kApi, "/templates/send"), true};
}
inline Rpc BatchSendRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/BatchSendMessages", "POST",
          absl::StrCat(kApi, "/messages/batch-send"), true};
}
inline Rpc StatusRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET",
          absl::StrCat(kApi, "/messages/", id, "/status")};
}
inline Rpc InboundRpc() {
  return {"/hotel.whatsapp.v1.SandboxService/SimulateInbound", "POST",
          absl::StrCat(kApi, "/sandbox/inbound"), true};
}
inline Rpc ConversationRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/GetConversation", "GET",
          absl::StrCat(kApi, "/conversations/", id)};
}
inline Rpc WindowRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/GetWindowStatus", "GET",
          absl::StrCat(kApi, "/conversations/", id, "/window-status")};
}
inline Rpc ListRpc(const v1::ListConversationsRequest& r) {
  std::string query = absl::StrCat("?page_size=", r.page_size());
  if (!r.guest_phone().empty())
    absl::StrAppend(&query, "&guest_phone=%2B", r.guest_phone().substr(1));
  if (r.status() == v1::CONVERSATION_STATUS_ACTIVE) absl::StrAppend(&query, "&status=active");
  if (!r.page_token().empty()) absl::StrAppend(&query, "&page_token=", r.page_token());
  return {"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET",
          absl::StrCat(kApi, "/conversations", query)};
}
inline Rpc CreateTokenRpc() {
  return {"/hotel.whatsapp.v1.AdminService/CreateToken", "POST",
          absl::StrCat(kApi, "/admin/tokens"), true};
}

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    server_->Start();
    admin_ = new std::string(server_->CreateToken("admin"));
    staff_ = new std::string(server_->CreateToken("staff"));
    other_admin_ = new std::string(server_->CreateToken("admin", "other_hotel"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete admin_;
    delete staff_;
    delete other_admin_;
  }

  void SetUp() override {
    surface_ = GetParam() == "grpc" ? MakeGrpcSurface(server_->grpc_address())
                                    : MakeRestSurface(server_->http_port());
  }

  // A guest phone no other test uses.
  std::string NewGuest() {
    static int next = 0;
    return absl::StrCat("+1555", GetParam() == "grpc" ? "1" : "2", 100000 + ++next);
  }

  v1::SimulateInboundResponse GuestWrites(const std::string& phone, const std::string& conv = "",
                                          absl::Duration ago = absl::ZeroDuration(),
                                          const std::string& token = "") {
    v1::SimulateInboundRequest request;
    request.set_guest_phone(phone);
    request.set_text("Hi, can I get two extra towels?");
    request.set_conversation_id(conv);
    if (ago > absl::ZeroDuration()) {
      request.mutable_timestamp()->set_seconds(absl::ToUnixSeconds(absl::Now() - ago));
    }
    v1::SimulateInboundResponse response;
    Outcome outcome =
        surface_->Call(InboundRpc(), token.empty() ? *admin_ : token, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response;
  }

  // Sends as staff unless a token (possibly empty: none) is given.
  Outcome Send(const std::string& phone, const std::string& conv, v1::SendMessageResponse* out,
               std::optional<std::string> token = std::nullopt) {
    v1::SendMessageRequest request;
    request.set_guest_phone(phone);
    request.set_message_type(v1::MESSAGE_TYPE_TEXT);
    request.mutable_content()->set_text("Welcome to Grand Plaza Hotel!");
    request.set_conversation_id(conv);
    request.set_staff_member_id("staff_456");
    return surface_->Call(SendMessageRpc(), token.value_or(*staff_), request, out);
  }

  v1::MessageStatusResponse WaitForStatus(const std::string& id, v1::MessageStatus want) {
    v1::MessageStatusResponse status;
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      status.Clear();
      v1::GetMessageStatusRequest request;
      request.set_message_id(id);
      Outcome outcome = surface_->Call(StatusRpc(id), *staff_, request, &status);
      EXPECT_TRUE(outcome.ok);
      if (status.status() == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status;
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::string* admin_ = nullptr;
  static inline std::string* staff_ = nullptr;
  static inline std::string* other_admin_ = nullptr;
  std::unique_ptr<Surface> surface_;
};

}  // namespace wa::testing
