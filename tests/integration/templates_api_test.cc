// The reference's "Template Messaging" and "Template Management" examples
// against the sandbox's starter catalog, through gRPC and REST alike.
#include "absl/strings/str_cat.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

Rpc ListTemplatesRpc(const std::string& query) {
  return {"/hotel.whatsapp.v1.TemplatesService/ListTemplates", "GET",
          absl::StrCat(kApi, "/templates", query)};
}
Rpc GetTemplateRpc(const std::string& name) {
  return {"/hotel.whatsapp.v1.TemplatesService/GetTemplate", "GET",
          absl::StrCat(kApi, "/templates/", name)};
}
Rpc SubmitTemplateRpc() {
  return {"/hotel.whatsapp.v1.TemplatesService/SubmitTemplate", "POST",
          absl::StrCat(kApi, "/templates"), true};
}

// The reference's welcome_checkin call.
v1::SendTemplateMessageRequest Welcome(const std::string& phone) {
  v1::SendTemplateMessageRequest r;
  r.set_guest_phone(phone);
  r.set_template_name("welcome_checkin");
  r.set_language("en");
  auto& p = *r.mutable_parameters();
  p["guest_name"] = "John Smith";
  p["hotel_name"] = "Grand Plaza Hotel";
  p["room_number"] = "205";
  p["checkin_time"] = "3:00 PM";
  p["checkout_date"] = "January 18, 2024";
  (*r.mutable_conversation_metadata())["booking_reference"] = "RB123456";
  (*r.mutable_conversation_metadata())["guest_tier"] = "gold_member";
  return r;
}

// The reference's late_checkout_confirmation submission.
v1::SubmitTemplateRequest LateCheckout(const std::string& name) {
  v1::SubmitTemplateRequest r;
  r.set_name(name);
  r.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  r.set_language("en");
  auto add = [&](v1::ComponentType type, const char* text) {
    v1::TemplateComponent* c = r.add_components();
    c->set_type(type);
    c->set_text(text);
    return c;
  };
  add(v1::COMPONENT_TYPE_HEADER, "Late Checkout Confirmed")->set_format(v1::HEADER_FORMAT_TEXT);
  add(v1::COMPONENT_TYPE_BODY,
      "Hi {{1}}, your late checkout until {{2}} has been confirmed for room {{3}}. Additional "
      "charges: {{4}}.");
  add(v1::COMPONENT_TYPE_FOOTER, "Thank you for staying with us!");
  return r;
}

class TemplatesApiTest : public ApiTest {
 protected:
  v1::Template GetTemplate(const std::string& name) {
    v1::GetTemplateRequest request;
    request.set_name(name);
    v1::Template t;
    Outcome outcome = surface_->Call(GetTemplateRpc(name), *staff_, request, &t);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString();
    return t;
  }

  int ConversationsOf(const std::string& phone) {
    v1::ListConversationsRequest request;
    request.set_guest_phone(phone);
    request.set_page_size(10);
    v1::ListConversationsResponse response;
    EXPECT_TRUE(surface_->Call(ListRpc(request), *staff_, request, &response).ok);
    return response.conversations_size();
  }
};

TEST_P(TemplatesApiTest, TheReferencesTemplateSendsWorkOutsideTheWindow) {
  std::string guest = NewGuest();  // has never written: no window
  v1::SendMessageResponse welcome;
  Outcome outcome = surface_->Call(SendTemplateRpc(), *staff_, Welcome(guest), &welcome);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(welcome.status(), v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(WaitForStatus(welcome.message_id(), v1::MESSAGE_STATUS_DELIVERED).status(),
            v1::MESSAGE_STATUS_DELIVERED);

  v1::SendTemplateMessageRequest service;
  service.set_guest_phone(guest);
  service.set_template_name("service_confirmation");
  service.set_language("en");
  auto& p = *service.mutable_parameters();
  p["service_type"] = "Spa Massage";
  p["appointment_time"] = "Tomorrow at 2:00 PM";
  p["location"] = "Wellness Center - Room 3";
  p["estimated_duration"] = "90 minutes";
  v1::SendMessageResponse confirmation;
  outcome = surface_->Call(SendTemplateRpc(), *staff_, service, &confirmation);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(confirmation.conversation_id(), welcome.conversation_id());

  v1::GetConversationRequest get;
  get.set_conversation_id(welcome.conversation_id());
  v1::Conversation conversation;
  ASSERT_TRUE(
      surface_->Call(ConversationRpc(welcome.conversation_id()), *staff_, get, &conversation).ok);
  EXPECT_EQ(conversation.metadata().at("booking_reference"), "RB123456");
  EXPECT_EQ(conversation.metadata().at("guest_tier"), "gold_member");
  ASSERT_EQ(conversation.messages_size(), 2);
  EXPECT_EQ(conversation.messages(0).message_type(), v1::MESSAGE_TYPE_TEMPLATE);
  EXPECT_NE(conversation.messages(0).text().find("Hello John Smith, your room 205"),
            std::string::npos)
      << conversation.messages(0).text();
}

TEST_P(TemplatesApiTest, AWrongParameterIsRefusedByNameAndNothingIsQueued) {
  std::string guest = NewGuest();
  v1::SendTemplateMessageRequest request = Welcome(guest);
  request.mutable_parameters()->erase("checkout_date");
  (*request.mutable_parameters())["checkout"] = "January 18, 2024";
  v1::SendMessageResponse response;
  Outcome outcome = surface_->Call(SendTemplateRpc(), *staff_, request, &response);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT);
  if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 400);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT");
  EXPECT_EQ(outcome.error.details().fields().at("parameter").string_value(), "checkout");
  EXPECT_EQ(ConversationsOf(guest), 0);
}

TEST_P(TemplatesApiTest, AnUnknownTemplateIsTemplateNotFound) {
  v1::SendTemplateMessageRequest request = Welcome(NewGuest());
  request.set_template_name("no_such_template");
  v1::SendMessageResponse response;
  Outcome outcome = surface_->Call(SendTemplateRpc(), *staff_, request, &response);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.grpc_code, grpc::NOT_FOUND);
  if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 404);
  EXPECT_EQ(outcome.error.code(), "TEMPLATE_NOT_FOUND");
}

TEST_P(TemplatesApiTest, TheReferencesListAndDetailsCalls) {
  v1::ListTemplatesRequest request;
  request.set_language("en");
  request.set_category("guest_services");
  v1::ListTemplatesResponse list;
  Outcome outcome = surface_->Call(ListTemplatesRpc("?language=en&category=guest_services"),
                                   *staff_, request, &list);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  std::vector<std::string> names;
  for (const v1::Template& t : list.templates()) names.push_back(t.name());
  for (const char* want :
       {"welcome_checkin", "service_confirmation", "service_followup", "general_inquiry"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }

  v1::Template welcome = GetTemplate("welcome_checkin");
  EXPECT_EQ(welcome.name(), "welcome_checkin");
  EXPECT_EQ(welcome.category(), v1::TEMPLATE_CATEGORY_UTILITY);
  EXPECT_EQ(welcome.language(), "en");
  EXPECT_EQ(welcome.status(), v1::TEMPLATE_STATUS_APPROVED);
  EXPECT_GE(welcome.components_size(), 2);
  EXPECT_EQ(welcome.parameters_size(), 5);
  EXPECT_EQ(welcome.example().at("guest_name"), "John Smith");
}

TEST_P(TemplatesApiTest, SubmissionIsForAdminsAndIsReviewed) {
  std::string name = absl::StrCat("late_checkout_confirmation_", GetParam());
  v1::Template submitted;
  Outcome refused = surface_->Call(SubmitTemplateRpc(), *staff_, LateCheckout(name), &submitted);
  EXPECT_EQ(refused.grpc_code, grpc::PERMISSION_DENIED);
  if (GetParam() == "rest") EXPECT_EQ(refused.http_status, 403);

  Outcome outcome = surface_->Call(SubmitTemplateRpc(), *admin_, LateCheckout(name), &submitted);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(submitted.status(), v1::TEMPLATE_STATUS_PENDING);
  EXPECT_EQ(submitted.parameter_format(), "POSITIONAL");
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (GetTemplate(name).status() == v1::TEMPLATE_STATUS_PENDING && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(GetTemplate(name).status(), v1::TEMPLATE_STATUS_APPROVED);

  Outcome again = surface_->Call(SubmitTemplateRpc(), *admin_, LateCheckout(name), &submitted);
  EXPECT_EQ(again.grpc_code, grpc::ALREADY_EXISTS);
}

TEST_P(TemplatesApiTest, ABrokenTemplateNamesTheRuleAndIsNotStored) {
  std::string name = absl::StrCat("broken_footer_", GetParam());
  v1::SubmitTemplateRequest request = LateCheckout(name);
  request.mutable_components(2)->set_text("Thanks {{1}}");
  v1::Template submitted;
  Outcome outcome = surface_->Call(SubmitTemplateRpc(), *admin_, request, &submitted);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(outcome.error.details().fields().at("field").string_value(), "components[2].text");
  EXPECT_EQ(outcome.error.details().fields().at("rule").string_value(), "footer_variables");
  v1::GetTemplateRequest get;
  get.set_name(name);
  v1::Template t;
  EXPECT_EQ(surface_->Call(GetTemplateRpc(name), *staff_, get, &t).error.code(),
            "TEMPLATE_NOT_FOUND");
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, TemplatesApiTest, ::testing::Values("grpc", "rest"));

}  // namespace
}  // namespace wa::testing
