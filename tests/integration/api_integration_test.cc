// Drives every built operation of a real wa-server through both surfaces,
// gRPC and REST, with the same assertions each way.
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

TEST_P(ApiTest, SendsATextAndTracksItToRead) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, conv, &sent).ok);
  EXPECT_EQ(sent.status(), v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(sent.conversation_id(), conv);
  EXPECT_TRUE(absl::StartsWith(sent.message_id(), "msg_"));

  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_READ);
  EXPECT_TRUE(status.has_sent_at());
  EXPECT_TRUE(status.has_delivered_at());
  EXPECT_TRUE(status.has_read_at());
  EXPECT_LE(status.sent_at().seconds(), status.delivered_at().seconds());
  EXPECT_LE(status.delivered_at().seconds(), status.read_at().seconds());
  EXPECT_FALSE(status.whatsapp_message_id().empty());
  EXPECT_EQ(status.failure_reason(), "");
}

TEST_P(ApiTest, ConversationHistoryHasBothDirectionsInOrder) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, "", &sent).ok);  // no id: the guest's active conversation
  EXPECT_EQ(sent.conversation_id(), conv);

  v1::GetConversationRequest request;
  request.set_conversation_id(conv);
  v1::Conversation conversation;
  ASSERT_TRUE(surface_->Call(ConversationRpc(conv), *staff_, request, &conversation).ok);
  EXPECT_EQ(conversation.guest_phone(), guest);
  EXPECT_EQ(conversation.status(), v1::CONVERSATION_STATUS_ACTIVE);
  ASSERT_EQ(conversation.messages_size(), 2);
  EXPECT_EQ(conversation.messages(0).direction(), v1::DIRECTION_INBOUND);
  EXPECT_EQ(conversation.messages(1).direction(), v1::DIRECTION_OUTBOUND);
  EXPECT_EQ(conversation.messages(1).message_id(), sent.message_id());
  ASSERT_EQ(conversation.participants_size(), 2);
  EXPECT_EQ(conversation.participants(0).role(), "guest");
  EXPECT_EQ(conversation.participants(1).staff_member_id(), "staff_456");
}

TEST_P(ApiTest, ListsAGuestsConversationsWithPages) {
  std::string a = NewGuest();
  std::string conv = GuestWrites(a).conversation_id();
  GuestWrites(NewGuest());
  v1::ListConversationsRequest request;
  request.set_guest_phone(a);
  request.set_status(v1::CONVERSATION_STATUS_ACTIVE);
  request.set_page_size(10);
  v1::ListConversationsResponse response;
  ASSERT_TRUE(surface_->Call(ListRpc(request), *staff_, request, &response).ok);
  ASSERT_EQ(response.conversations_size(), 1);
  EXPECT_EQ(response.conversations(0).conversation_id(), conv);
  EXPECT_EQ(response.next_page_token(), "");

  v1::ListConversationsRequest paged;
  paged.set_page_size(1);
  v1::ListConversationsResponse first;
  ASSERT_TRUE(surface_->Call(ListRpc(paged), *staff_, paged, &first).ok);
  ASSERT_EQ(first.conversations_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  v1::ListConversationsResponse second;
  ASSERT_TRUE(surface_->Call(ListRpc(paged), *staff_, paged, &second).ok);
  ASSERT_EQ(second.conversations_size(), 1);
  EXPECT_NE(second.conversations(0).conversation_id(), first.conversations(0).conversation_id());
}

TEST_P(ApiTest, ReportsTheWindow) {
  std::string open_guest = NewGuest();
  std::string open_conv = GuestWrites(open_guest, "", absl::Hours(2)).conversation_id();
  v1::GetWindowStatusRequest request;
  request.set_conversation_id(open_conv);
  v1::WindowStatus window;
  ASSERT_TRUE(surface_->Call(WindowRpc(open_conv), *staff_, request, &window).ok);
  EXPECT_TRUE(window.within_window());
  EXPECT_NEAR(window.hours_remaining(), 22.0, 0.1);
  EXPECT_TRUE(window.has_window_expires_at());

  std::string closed_conv = GuestWrites(NewGuest(), "", absl::Hours(30)).conversation_id();
  request.set_conversation_id(closed_conv);
  v1::WindowStatus closed;
  ASSERT_TRUE(surface_->Call(WindowRpc(closed_conv), *staff_, request, &closed).ok);
  EXPECT_FALSE(closed.within_window());
  EXPECT_EQ(closed.hours_remaining(), 0);
}

TEST_P(ApiTest, RefusesOutsideTheWindowWithTheReferencesErrorAndStoresNothing) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest, "", absl::Hours(30)).conversation_id();
  v1::SendMessageResponse sent;
  Outcome outcome = Send(guest, conv, &sent);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "MESSAGE_WINDOW_EXPIRED");
  if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 403);
  const auto& details = outcome.error.details().fields();
  EXPECT_EQ(details.at("guest_phone").string_value(), guest);
  EXPECT_FALSE(details.at("last_guest_message").string_value().empty());
  EXPECT_FALSE(details.at("window_expires").string_value().empty());
  EXPECT_TRUE(details.at("suggested_templates").has_list_value());
  EXPECT_EQ(outcome.error.recovery_options_size(), 3);

  v1::GetConversationRequest request;
  request.set_conversation_id(conv);
  v1::Conversation conversation;
  ASSERT_TRUE(surface_->Call(ConversationRpc(conv), *staff_, request, &conversation).ok);
  EXPECT_EQ(conversation.messages_size(), 1) << "the refused message must not be stored";
}

TEST_P(ApiTest, RefusesAnInvalidPhone) {
  v1::SendMessageResponse sent;
  Outcome outcome = Send("12345", "", &sent);
  EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(outcome.error.code(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(outcome.error.details().fields().at("guest_phone").string_value(), "12345");
}

TEST_P(ApiTest, RequiresAToken) {
  v1::SendMessageResponse sent;
  Outcome none = Send(NewGuest(), "", &sent, "");
  Outcome wrong = Send(NewGuest(), "", &sent, "wat_not_a_token");
  for (const Outcome& outcome : {none, wrong}) {
    EXPECT_EQ(outcome.grpc_code, grpc::UNAUTHENTICATED);
    EXPECT_EQ(outcome.error.code(), "UNAUTHENTICATED");
  }
}

TEST_P(ApiTest, StaffCannotCallAdminOperations) {
  v1::SimulateInboundRequest request;
  request.set_guest_phone(NewGuest());
  request.set_text("hi");
  v1::SimulateInboundResponse response;
  Outcome outcome = surface_->Call(InboundRpc(), *staff_, request, &response);
  EXPECT_EQ(outcome.grpc_code, grpc::PERMISSION_DENIED);
  EXPECT_EQ(outcome.error.code(), "PERMISSION_DENIED");

  v1::CreateTokenRequest create;
  create.set_name("new");
  create.set_role(v1::ROLE_STAFF);
  v1::CreateTokenResponse created;
  EXPECT_EQ(surface_->Call(CreateTokenRpc(), *staff_, create, &created).grpc_code,
            grpc::PERMISSION_DENIED);
}

TEST_P(ApiTest, AnotherPropertysDataIsNotFound) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, conv, &sent).ok);

  v1::GetConversationRequest get;
  get.set_conversation_id(conv);
  v1::Conversation conversation;
  EXPECT_EQ(surface_->Call(ConversationRpc(conv), *other_admin_, get, &conversation).grpc_code,
            grpc::NOT_FOUND);
  v1::GetMessageStatusRequest status;
  status.set_message_id(sent.message_id());
  v1::MessageStatusResponse status_response;
  EXPECT_EQ(surface_->Call(StatusRpc(sent.message_id()), *other_admin_, status, &status_response)
                .grpc_code,
            grpc::NOT_FOUND);
  // Not even by naming the conversation in a send.
  GuestWrites(guest, "", absl::ZeroDuration(), *other_admin_);
  EXPECT_EQ(Send(guest, conv, &sent, *other_admin_).grpc_code, grpc::NOT_FOUND);
}

TEST_P(ApiTest, UnknownConversationIsNotFound) {
  v1::GetConversationRequest request;
  request.set_conversation_id("conv_does_not_exist");
  v1::Conversation conversation;
  Outcome outcome =
      surface_->Call(ConversationRpc("conv_does_not_exist"), *staff_, request, &conversation);
  EXPECT_EQ(outcome.grpc_code, grpc::NOT_FOUND);
  EXPECT_EQ(outcome.error.code(), "NOT_FOUND");
  v1::SendMessageResponse sent;
  std::string guest = NewGuest();
  GuestWrites(guest);
  EXPECT_EQ(Send(guest, "conv_does_not_exist", &sent).grpc_code, grpc::NOT_FOUND);
}

TEST_P(ApiTest, AdminIssuesATokenThatWorksOnceShown) {
  v1::CreateTokenRequest create;
  create.set_name("concierge tablet");
  create.set_role(v1::ROLE_STAFF);
  v1::CreateTokenResponse created;
  ASSERT_TRUE(surface_->Call(CreateTokenRpc(), *admin_, create, &created).ok);
  EXPECT_EQ(created.token_info().role(), v1::ROLE_STAFF);
  EXPECT_EQ(created.token_info().property_id(), "default");
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::SendMessageResponse sent;
  EXPECT_TRUE(Send(guest, "", &sent, created.token()).ok);
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, ApiTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
