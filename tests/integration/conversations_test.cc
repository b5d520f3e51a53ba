// Resolving, assigning and annotating conversations, the list's filters,
// and the reference's resolve and analytics calls, through gRPC and REST.
#include "absl/strings/str_cat.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

Rpc ResolveRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/ResolveConversation", "POST",
          absl::StrCat(kApi, "/conversations/", id, "/resolve"), true};
}
Rpc AssignRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/AssignConversation", "POST",
          absl::StrCat(kApi, "/conversations/", id, "/assign"), true};
}
Rpc MetadataRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/UpdateConversationMetadata", "POST",
          absl::StrCat(kApi, "/conversations/", id, "/metadata"), true};
}
Rpc AnalyticsRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.ConversationsService/GetConversationAnalytics", "GET",
          absl::StrCat(kApi, "/conversations/", id, "/analytics")};
}

class ConversationsTest : public ApiTest {
 protected:
  // The reference's resolve body.
  Outcome Resolve(const std::string& id, int rating, v1::Conversation* out) {
    v1::ResolveConversationRequest request;
    request.set_conversation_id(id);
    request.set_resolution_notes("Guest room service request completed successfully");
    request.set_satisfaction_rating(rating);
    request.set_follow_up_required(false);
    return surface_->Call(ResolveRpc(id), *staff_, request, out);
  }

  v1::Conversation Get(const std::string& id) {
    v1::GetConversationRequest request;
    request.set_conversation_id(id);
    v1::Conversation c;
    EXPECT_TRUE(surface_->Call(ConversationRpc(id), *staff_, request, &c).ok);
    return c;
  }
};

TEST_P(ConversationsTest, ResolvingClosesTheConversationAndTheGuestsNextMessageOpensANewOne) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, conv, &sent).ok);

  v1::Conversation bad;
  Outcome refused = Resolve(conv, 6, &bad);
  EXPECT_EQ(refused.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error.details().fields().at("field").string_value(), "satisfaction_rating");
  EXPECT_EQ(Get(conv).status(), v1::CONVERSATION_STATUS_ACTIVE);  // unchanged

  v1::Conversation resolved;
  Outcome outcome = Resolve(conv, 5, &resolved);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(resolved.status(), v1::CONVERSATION_STATUS_RESOLVED);
  EXPECT_EQ(resolved.resolution_notes(), "Guest room service request completed successfully");
  EXPECT_EQ(resolved.satisfaction_rating(), 5);
  EXPECT_FALSE(resolved.resolved_by().empty());  // the staff token, as no staff_member_id was given
  EXPECT_TRUE(resolved.has_resolved_at());

  Outcome again = Resolve(conv, 4, &resolved);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.error.code(), "FAILED_PRECONDITION") << again.error.DebugString();
  if (GetParam() == "grpc") EXPECT_EQ(again.grpc_code, grpc::FAILED_PRECONDITION);
  if (GetParam() == "rest") EXPECT_EQ(again.http_status, 400);

  std::string next = GuestWrites(guest).conversation_id();
  EXPECT_NE(next, conv);
  EXPECT_EQ(Get(next).status(), v1::CONVERSATION_STATUS_ACTIVE);
}

TEST_P(ConversationsTest, TheReferencesAnalyticsCall) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, conv, &sent).ok);
  WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ);
  v1::Conversation resolved;
  ASSERT_TRUE(Resolve(conv, 4, &resolved).ok);

  v1::GetConversationAnalyticsRequest request;
  request.set_conversation_id(conv);
  v1::ConversationAnalytics analytics;
  Outcome outcome = surface_->Call(AnalyticsRpc(conv), *staff_, request, &analytics);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(analytics.conversation_id(), conv);
  EXPECT_EQ(analytics.delivery_rates().total(), 1);
  EXPECT_EQ(analytics.delivery_rates().read(), 1);
  EXPECT_DOUBLE_EQ(analytics.delivery_rates().delivery_rate(), 1.0);
  EXPECT_EQ(analytics.response_times().staff_responses(), 1);
  EXPECT_GE(analytics.response_times().first_response_seconds(), 0);
  EXPECT_DOUBLE_EQ(analytics.satisfaction_score(), 4);
  if (GetParam() == "rest") {
    EXPECT_NE(outcome.raw_body.find("\"delivery_rates\""), std::string::npos);
    EXPECT_NE(outcome.raw_body.find("\"response_times\""), std::string::npos);
    EXPECT_NE(outcome.raw_body.find("\"satisfaction_score\""), std::string::npos);
  }
}

TEST_P(ConversationsTest, AssignmentAndMetadataAreKeptAndFilterTheList) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  std::string department = absl::StrCat("housekeeping_", GetParam());

  v1::AssignConversationRequest assign;
  assign.set_conversation_id(conv);
  assign.set_assigned_to("staff_456");
  assign.set_department(department);
  v1::Conversation assigned;
  Outcome outcome = surface_->Call(AssignRpc(conv), *staff_, assign, &assigned);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(assigned.assigned_to(), "staff_456");
  EXPECT_EQ(assigned.department(), department);

  v1::UpdateConversationMetadataRequest meta;
  meta.set_conversation_id(conv);
  (*meta.mutable_metadata())["room"] = "205";
  (*meta.mutable_metadata())["booking_reference"] = "RB123456";
  v1::Conversation annotated;
  ASSERT_TRUE(surface_->Call(MetadataRpc(conv), *staff_, meta, &annotated).ok);
  EXPECT_EQ(annotated.metadata().at("room"), "205");
  meta.clear_metadata();
  meta.add_remove_keys("room");
  ASSERT_TRUE(surface_->Call(MetadataRpc(conv), *staff_, meta, &annotated).ok);
  EXPECT_EQ(annotated.metadata().count("room"), 0u);
  EXPECT_EQ(annotated.metadata().at("booking_reference"), "RB123456");

  v1::UpdateConversationMetadataRequest bad;
  bad.set_conversation_id(conv);
  (*bad.mutable_metadata())["bad key!"] = "x";
  EXPECT_EQ(surface_->Call(MetadataRpc(conv), *staff_, bad, &annotated).grpc_code,
            grpc::INVALID_ARGUMENT);

  v1::ListConversationsRequest list;
  v1::ListConversationsResponse found;
  Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET",
          absl::StrCat(kApi, "/conversations?department=", department)};
  list.set_department(department);
  ASSERT_TRUE(surface_->Call(rpc, *staff_, list, &found).ok);
  ASSERT_EQ(found.conversations_size(), 1);
  EXPECT_EQ(found.conversations(0).conversation_id(), conv);
  rpc.http_target =
      absl::StrCat(kApi, "/conversations?department=", department, "&assigned_to=someone_else");
  list.set_assigned_to("someone_else");
  found.Clear();
  ASSERT_TRUE(surface_->Call(rpc, *staff_, list, &found).ok);
  EXPECT_EQ(found.conversations_size(), 0);
}

TEST_P(ConversationsTest, AnotherPropertyCannotResolveOrRead) {
  std::string conv = GuestWrites(NewGuest()).conversation_id();
  v1::ResolveConversationRequest request;
  request.set_conversation_id(conv);
  v1::Conversation out;
  EXPECT_EQ(surface_->Call(ResolveRpc(conv), *other_admin_, request, &out).grpc_code,
            grpc::NOT_FOUND);
  v1::GetConversationAnalyticsRequest analytics;
  analytics.set_conversation_id(conv);
  v1::ConversationAnalytics a;
  EXPECT_EQ(surface_->Call(AnalyticsRpc(conv), *other_admin_, analytics, &a).grpc_code,
            grpc::NOT_FOUND);
}

// Marking read (README, "Read receipts and typing") takes the guest's
// latest message; a conversation the guest never wrote in gets a clear
// FAILED_PRECONDITION, an unknown one NOT_FOUND, another property's
// conversation NOT_FOUND too. (Meta's wire shape: ChainTest.)
TEST_P(ConversationsTest, MarkingReadTakesTheGuestsLatestMessage) {
  auto mark = [&](const std::string& conv, const std::string& token,
                  v1::MarkConversationReadResponse* out) {
    v1::MarkConversationReadRequest request;
    request.set_conversation_id(conv);
    request.set_typing(true);
    return surface_->Call({"/hotel.whatsapp.v1.ConversationsService/MarkConversationRead", "POST",
                           absl::StrCat(kApi, "/conversations/", conv, "/read"), true},
                          token, request, out);
  };
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::SimulateInboundResponse latest = GuestWrites(guest, conv);
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(guest, conv, &sent).ok);  // the newest message is ours: not the one marked
  v1::MarkConversationReadResponse read;
  Outcome outcome = mark(conv, *staff_, &read);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(read.conversation_id(), conv);
  EXPECT_EQ(read.message_id(), latest.message().message_id());
  EXPECT_EQ(read.whatsapp_message_id(), latest.message().whatsapp_message_id());
  EXPECT_TRUE(absl::StartsWith(read.whatsapp_message_id(), "wamid.")) << read.DebugString();
  EXPECT_TRUE(read.typing());

  // A conversation opened by a template: the guest has not written.
  std::string quiet = NewGuest();
  v1::SendTemplateMessageRequest welcome;
  welcome.set_guest_phone(quiet);
  welcome.set_template_name("service_followup");
  welcome.set_language("en");
  (*welcome.mutable_parameters())["guest_name"] = "John Smith";
  (*welcome.mutable_parameters())["service_type"] = "Spa Massage";
  ASSERT_TRUE(surface_->Call(SendTemplateRpc(), *staff_, welcome, &sent).ok);
  outcome = mark(sent.conversation_id(), *staff_, &read);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "FAILED_PRECONDITION") << outcome.raw_body;
  EXPECT_TRUE(absl::StrContains(outcome.error.message(), "no message from the guest"))
      << outcome.error.message();
  EXPECT_GT(outcome.error.recovery_options_size(), 0);

  EXPECT_EQ(mark("conv_none", *staff_, &read).error.code(), "NOT_FOUND");
  EXPECT_EQ(mark(conv, *other_admin_, &read).error.code(), "NOT_FOUND");  // another property's
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, ConversationsTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
