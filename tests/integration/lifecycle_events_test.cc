// The hotel's events for a conversation's, a template's and a batch's life:
// conversation_resolved, conversation_assigned, template_status_changed (submission, then the
// sandbox's review) and batch_completed, each delivered signed to a real
// receiver with the data a hotel system needs.
#include "absl/strings/match.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "tests/integration/webhook_fixture.h"

namespace wa::testing {
namespace {

using LifecycleEventsTest = WebhookTest;

nlohmann::json WaitForEvents(WebhookReceiver& receiver, const std::string& event, size_t n) {
  nlohmann::json received =
      receiver.WaitFor([&](const nlohmann::json& r) { return Delivered(r, event).size() >= n; });
  std::vector<nlohmann::json> delivered = Delivered(received, event);
  EXPECT_GE(delivered.size(), n) << received.dump();
  return delivered;
}

TEST_P(LifecycleEventsTest, AResolvedConversationIsAnnounced) {
  Configure(Config({"conversation_resolved"}));
  GuestWrites("+15558100001", "The lamp is broken", "conv_life_1");
  v1::ResolveConversationRequest resolve;
  resolve.set_conversation_id("conv_life_1");
  resolve.set_resolution_notes("Lamp replaced");
  resolve.set_satisfaction_rating(5);
  resolve.set_staff_member_id("staff_456");
  v1::Conversation resolved;
  Outcome outcome =
      surface_->Call({"/hotel.whatsapp.v1.ConversationsService/ResolveConversation", "POST",
                      "/api/v1/whatsapp/conversations/conv_life_1/resolve", true},
                     admin_, resolve, &resolved);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  nlohmann::json events = WaitForEvents(receiver_, "conversation_resolved", 1);
  const nlohmann::json& data = events[0]["body"]["data"];
  EXPECT_EQ(data["conversation_id"], "conv_life_1");
  EXPECT_EQ(data["resolved_by"], "staff_456");
  EXPECT_EQ(data["satisfaction_rating"], 5);
  EXPECT_EQ(data["resolution_notes"], "Lamp replaced");
  EXPECT_EQ(events[0]["verified_with"], nlohmann::json({0}));
}

TEST_P(LifecycleEventsTest, AnAssignmentIsAnnounced) {
  Configure(Config({"conversation_assigned"}));
  GuestWrites("+15558100002", "Can someone call me?", "conv_life_2");
  v1::AssignConversationRequest assign;
  assign.set_conversation_id("conv_life_2");
  assign.set_assigned_to("staff_789");
  assign.set_department("front_desk");
  v1::Conversation assigned;
  Outcome outcome =
      surface_->Call({"/hotel.whatsapp.v1.ConversationsService/AssignConversation", "POST",
                      "/api/v1/whatsapp/conversations/conv_life_2/assign", true},
                     admin_, assign, &assigned);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  nlohmann::json events = WaitForEvents(receiver_, "conversation_assigned", 1);
  const nlohmann::json& data = events[0]["body"]["data"];
  EXPECT_EQ(data["conversation_id"], "conv_life_2");
  EXPECT_EQ(data["assigned_to"], "staff_789");
  EXPECT_EQ(data["department"], "front_desk");
}

TEST_P(LifecycleEventsTest, ATemplatesReviewIsAnnounced) {
  Configure(Config({"template_status_changed"}));
  v1::SubmitTemplateRequest submit;
  submit.set_name("pool_hours");
  submit.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  submit.set_language("en");
  v1::TemplateComponent* body = submit.add_components();
  body->set_type(v1::COMPONENT_TYPE_BODY);
  body->set_text("Hello {{guest_name}}, the pool is open from 7 until 22 every day.");
  v1::Template submitted;
  Outcome outcome = surface_->Call({"/hotel.whatsapp.v1.TemplatesService/SubmitTemplate", "POST",
                                    "/api/v1/whatsapp/templates", true},
                                   admin_, submit, &submitted);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  nlohmann::json events = WaitForEvents(receiver_, "template_status_changed", 2);
  EXPECT_EQ(events[0]["body"]["data"]["status"], "PENDING");
  EXPECT_EQ(events[0]["body"]["data"]["previous_status"], "");
  EXPECT_EQ(events[1]["body"]["data"]["status"], "APPROVED");
  EXPECT_EQ(events[1]["body"]["data"]["previous_status"], "PENDING");
  EXPECT_EQ(events[1]["body"]["data"]["template_name"], "pool_hours");
}

TEST_P(LifecycleEventsTest, AFinishedBatchIsAnnounced) {
  Configure(Config({"batch_completed"}));
  GuestWrites("+15558100002", "Hi");
  GuestWrites("+15558100003", "Hello");
  v1::BatchSendMessagesRequest batch;
  for (const char* phone : {"+15558100002", "+15558100003"}) {
    v1::BatchMessage* m = batch.add_messages();
    m->set_phone(phone);
    m->set_content("The spa opens at 9 tomorrow.");
  }
  batch.mutable_rate_limit()->set_messages_per_second(10);
  v1::BatchSendMessagesResponse accepted;
  Outcome outcome = surface_->Call({"/hotel.whatsapp.v1.MessagesService/BatchSendMessages", "POST",
                                    "/api/v1/whatsapp/messages/batch-send", true},
                                   admin_, batch, &accepted);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  nlohmann::json events = WaitForEvents(receiver_, "batch_completed", 1);
  const nlohmann::json& data = events[0]["body"]["data"];
  EXPECT_EQ(data["batch_id"], accepted.batch_id());
  EXPECT_EQ(data["total"], 2);
  EXPECT_EQ(data["status"], "completed");
}

// Scheduled sends (README, "Scheduled sends"): message_scheduled and
// message_cancelled; and a message stuck behind its guest's pair rate (a
// backlog: ten messages is the burst, the next waits six seconds) expires
// at its valid_until instead of going late: message_failed with EXPIRED,
// and message_expired.
TEST_P(LifecycleEventsTest, ScheduledCancelledAndExpiredMessagesAreAnnounced) {
  Configure(
      Config({"message_scheduled", "message_cancelled", "message_expired", "message_failed"}));
  const std::string guest = GetParam() == "grpc" ? "+15558100004" : "+15558100005";
  GuestWrites(guest, "Hi");
  auto send = [&](absl::Time send_at, absl::Time valid_until) {
    v1::SendMessageRequest request;
    request.set_guest_phone(guest);
    request.mutable_content()->set_text("Breakfast is served until 10");
    auto rfc = [](absl::Time t) {
      return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
    };
    if (send_at != absl::InfinitePast()) request.mutable_send_at()->set_string_value(rfc(send_at));
    if (valid_until != absl::InfiniteFuture()) request.set_valid_until(rfc(valid_until));
    v1::SendMessageResponse response;
    Outcome outcome = surface_->Call({"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
                                      "/api/v1/whatsapp/messages/send", true},
                                     admin_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response.message_id();
  };
  std::string later = send(absl::Now() + absl::Hours(1), absl::InfiniteFuture());
  v1::CancelMessageRequest cancel;
  cancel.set_message_id(later);
  v1::MessageStatusResponse cancelled;
  ASSERT_TRUE(surface_
                  ->Call({"/hotel.whatsapp.v1.MessagesService/CancelMessage", "POST",
                          "/api/v1/whatsapp/messages/" + later + "/cancel", true},
                         admin_, cancel, &cancelled)
                  .ok);
  nlohmann::json scheduled = WaitForEvents(receiver_, "message_scheduled", 1);
  EXPECT_EQ(scheduled[0]["body"]["data"]["message_id"], later);
  EXPECT_EQ(scheduled[0]["body"]["data"]["status"], "scheduled");
  EXPECT_TRUE(scheduled[0]["body"]["data"]["scheduled_for"].is_string());
  nlohmann::json gone = WaitForEvents(receiver_, "message_cancelled", 1);
  EXPECT_EQ(gone[0]["body"]["data"]["message_id"], later);

  for (int i = 0; i < 10; ++i) send(absl::InfinitePast(), absl::InfiniteFuture());
  absl::Time until = absl::Now() + absl::Seconds(2);
  std::string stuck = send(absl::InfinitePast(), until);
  nlohmann::json expired = WaitForEvents(receiver_, "message_expired", 1);
  const nlohmann::json& data = expired[0]["body"]["data"];
  EXPECT_EQ(data["message_id"], stuck);
  EXPECT_EQ(data["status"], "expired");
  EXPECT_TRUE(absl::StartsWith(data["failure_reason"].get<std::string>(), "EXPIRED"));
  nlohmann::json failed = WaitForEvents(receiver_, "message_failed", 1);
  EXPECT_EQ(failed[0]["body"]["data"]["message_id"], stuck);
  // Expired at its valid_until, give or take the queue's round, not after the pair wait.
  absl::Time at;
  std::string error;
  ASSERT_TRUE(
      absl::ParseTime(absl::RFC3339_full, data["failed_at"].get<std::string>(), &at, &error));
  EXPECT_LT(at - until, absl::Seconds(1));
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, LifecycleEventsTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
