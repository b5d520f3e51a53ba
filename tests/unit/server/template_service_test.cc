#include "server/domain/template_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/consent_service.h"
#include "server/domain/errors.h"
#include "server/domain/outbound_content.h"
#include "server/provider/sandbox_provider.h"
#include "server/storage/conversation_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class TemplateServiceTest : public ::testing::Test {
 protected:
  TemplateServiceTest() { messaging_.set_template_suggester(&templates_); }

  TemplateSend Welcome(const std::string& phone = "+1234567890") {
    TemplateSend s;
    s.guest_phone = phone;
    s.template_name = "welcome_checkin";
    s.language = "en";
    s.parameters = {{"guest_name", "John Smith"},
                    {"hotel_name", "Grand Plaza Hotel"},
                    {"room_number", "205"},
                    {"checkin_time", "3:00 PM"},
                    {"checkout_date", "January 18, 2024"}};
    s.conversation_metadata = {{"booking_reference", "RB123456"}, {"guest_tier", "gold_member"}};
    return s;
  }

  v1::Template Draft(const std::string& name, v1::TemplateCategory category,
                     const std::string& body) {
    v1::Template t;
    t.set_name(name);
    t.set_language("en");
    t.set_category(category);
    v1::TemplateComponent* c = t.add_components();
    c->set_type(v1::COMPONENT_TYPE_BODY);
    c->set_text(body);
    return t;
  }

  // Submits and lets the sandbox's review fall due.
  v1::Template SubmitReviewed(v1::Template draft) {
    absl::StatusOr<v1::Template> t = templates_.Submit("p1", std::move(draft), {});
    EXPECT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->status(), v1::TEMPLATE_STATUS_PENDING);
    EXPECT_TRUE(templates_.ApplyDueReviews(absl::Now() + absl::Minutes(1)).ok());
    return *templates_.Get("p1", t->name(), t->language());
  }

  int64_t MessageCount() {
    return *storage::ReadValue(t_.db(), [&]() -> absl::StatusOr<int64_t> {
      auto stmt = t_.db().Prepare("SELECT COUNT(*) FROM messages");
      if (!stmt.ok()) return stmt.status();
      if (auto row = stmt->Step(); !row.ok()) return row.status();
      return stmt->ColumnInt(0);
    });
  }

  std::string ErrorCode(const absl::Status& s) { return DetailOf(s).code(); }
  std::string DetailText(const absl::Status& s, const char* key) {
    return DetailOf(s).details().fields().at(key).string_value();
  }

  testing::TestDb t_;
  MessagingService messaging_{t_.db()};
  provider::SandboxProvider sandbox_{{.template_review_delay = absl::Seconds(2)}};
  TemplateService templates_{t_.db(), messaging_, sandbox_, {.starter_catalog = true}};
  Caller staff_{"tok_1", v1::ROLE_STAFF, "p1"};
};

TEST_F(TemplateServiceTest, AFreshPropertyHasTheStarterCatalogApproved) {
  absl::StatusOr<TemplateList> list =
      templates_.List("p1", {.language = "en", .category = "guest_services"});
  ASSERT_TRUE(list.ok()) << list.status();
  std::vector<std::string> names;
  for (const v1::Template& t : list->templates) {
    names.push_back(t.name());
    EXPECT_EQ(t.status(), v1::TEMPLATE_STATUS_APPROVED);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"general_inquiry", "service_confirmation",
                                             "service_followup", "welcome_checkin"}));
  absl::StatusOr<v1::Template> welcome = templates_.Get("p1", "welcome_checkin", "");
  ASSERT_TRUE(welcome.ok());
  EXPECT_EQ(welcome->parameters_size(), 5);
  EXPECT_EQ(welcome->example().at("room_number"), "205");
}

TEST_F(TemplateServiceTest, TheCategoryFilterMatchesWhatsAppCategoriesAndLabels) {
  EXPECT_EQ(templates_.List("p1", {.category = "UTILITY"})->templates.size(), 4u);
  EXPECT_EQ(templates_.List("p1", {.category = "utility"})->templates.size(), 4u);
  EXPECT_EQ(templates_.List("p1", {.category = "MARKETING"})->templates.size(), 0u);
  EXPECT_EQ(templates_.List("p1", {.category = "check_in"})->templates.size(), 1u);
  EXPECT_EQ(templates_.List("p1", {.language = "es"})->templates.size(), 0u);
}

TEST_F(TemplateServiceTest, PagesThroughTheCatalog) {
  absl::StatusOr<TemplateList> first = templates_.List("p1", {.page_size = 3});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->templates.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<TemplateList> second =
      templates_.List("p1", {.page_size = 3, .page_token = first->next_page_token});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->templates.size(), 1u);
  EXPECT_EQ(second->templates[0].name(), "welcome_checkin");
  EXPECT_TRUE(second->next_page_token.empty());
  EXPECT_FALSE(templates_.List("p1", {.page_token = "garbage!"}).ok());
}

TEST_F(TemplateServiceTest, SendsOutsideTheWindowWithTheRenderedTextAndMetadata) {
  absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, Welcome());
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->message_type, v1::MESSAGE_TYPE_TEMPLATE);
  EXPECT_EQ(sent->status, v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(sent->body,
            "Welcome to Grand Plaza Hotel\n\nHello John Smith, your room 205 will be ready from "
            "3:00 PM. We look forward to hosting you until January 18, 2024.\n\nReply to this "
            "message to reach the front desk.");
  absl::StatusOr<v1::OutboundContent> content = DecodeContent(sent->payload);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->template_().name(), "welcome_checkin");
  EXPECT_TRUE(content->template_().named_parameters());
  EXPECT_EQ(content->template_().body_parameters_size(), 4);
  storage::ConversationRepository conversations(t_.db());
  auto conversation =
      storage::ReadValue(t_.db(), [&] { return conversations.Get(sent->conversation_id); });
  ASSERT_TRUE(conversation.ok() && conversation->has_value());
  EXPECT_EQ((*conversation)->metadata.at("booking_reference"), "RB123456");
  EXPECT_EQ((*conversation)->metadata.at("guest_tier"), "gold_member");
}

// conversation_metadata meets the rules UpdateConversationMetadata applies,
// and a send that breaks them queues nothing.
TEST_F(TemplateServiceTest, ConversationMetadataIsCheckedLikeAnUpdate) {
  std::map<std::string, std::string> too_many;
  for (int i = 0; i <= 50; ++i) too_many[absl::StrCat("k", i)] = "v";
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> bad = {
      {{{"bad key!", "x"}}, "conversation_metadata"},
      {{{"", "x"}}, "conversation_metadata"},
      {{{std::string(65, 'k'), "x"}}, "conversation_metadata"},
      {{{"note", std::string(513, 'x')}}, "conversation_metadata.note"},
      {too_many, "conversation_metadata"}};
  const int64_t before = MessageCount();
  for (const auto& [metadata, field] : bad) {
    TemplateSend send = Welcome();
    send.conversation_metadata = metadata;
    absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, send);
    ASSERT_FALSE(sent.ok()) << field;
    EXPECT_EQ(DetailOf(sent.status()).code(), "INVALID_ARGUMENT");
    const v1::ErrorDetail detail = DetailOf(sent.status());
    const auto& fields = detail.details().fields();
    EXPECT_TRUE(fields.count("field") && fields.at("field").string_value() == field)
        << sent.status();
  }
  EXPECT_EQ(MessageCount(), before);
  // 512 characters (not bytes) is fine.
  TemplateSend send = Welcome();
  std::string accents;
  for (int i = 0; i < 512; ++i) accents += "\xC3\xA9";
  send.conversation_metadata = {{"note", accents}};
  EXPECT_TRUE(templates_.Send(staff_, send).ok());
}

// Keys already on the conversation count: a send may not take it past 50.
TEST_F(TemplateServiceTest, ConversationMetadataCannotGrowPastFiftyKeys) {
  TemplateSend first = Welcome();
  first.conversation_metadata.clear();
  for (int i = 0; i < 49; ++i) first.conversation_metadata[absl::StrCat("k", i)] = "v";
  absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, first);
  ASSERT_TRUE(sent.ok()) << sent.status();
  TemplateSend second = Welcome();
  second.conversation_id = sent->conversation_id;
  absl::StatusOr<storage::MessageRecord> refused = templates_.Send(staff_, second);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(DetailOf(refused.status()).code(), "INVALID_ARGUMENT");
}

TEST_F(TemplateServiceTest, AWrongParameterQueuesNothing) {
  TemplateSend send = Welcome();
  send.parameters.erase("room_number");
  absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, send);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailText(sent.status(), "parameter"), "room_number");
  send = Welcome();
  send.parameters["room"] = "205";
  sent = templates_.Send(staff_, send);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(DetailText(sent.status(), "parameter"), "room");
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(TemplateServiceTest, UnknownNameOrLanguageIsTemplateNotFound) {
  TemplateSend send = Welcome();
  send.template_name = "no_such_template";
  absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, send);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorCode(sent.status()), "TEMPLATE_NOT_FOUND");
  send = Welcome();
  send.language = "es";
  EXPECT_EQ(ErrorCode(templates_.Send(staff_, send).status()), "TEMPLATE_NOT_FOUND");
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(TemplateServiceTest, ASubmissionIsPendingUntilReviewedThenSends) {
  absl::StatusOr<v1::Template> pending = templates_.Submit(
      "p1",
      Draft("late_checkout_confirmation", v1::TEMPLATE_CATEGORY_UTILITY,
            "Hi {{1}}, your late checkout until {{2}} has been confirmed for room {{3}}. "
            "Additional charges: {{4}}."),
      {"guest_name", "checkout_time", "room_number", "charges"});
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status(), v1::TEMPLATE_STATUS_PENDING);
  EXPECT_FALSE(pending->provider_template_id().empty());

  TemplateSend send;
  send.guest_phone = "+1234567890";
  send.template_name = "late_checkout_confirmation";
  send.language = "en";
  send.parameters = {{"guest_name", "John"},
                     {"checkout_time", "2 PM"},
                     {"room_number", "205"},
                     {"charges", "$40"}};
  absl::StatusOr<storage::MessageRecord> refused = templates_.Send(staff_, send);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(ErrorCode(refused.status()), "TEMPLATE_NOT_FOUND");
  EXPECT_EQ(DetailText(refused.status(), "status"), "PENDING");

  // Not yet due: still pending.
  ASSERT_TRUE(templates_.ApplyDueReviews(absl::Now()).ok());
  EXPECT_EQ(templates_.Get("p1", "late_checkout_confirmation", "en")->status(),
            v1::TEMPLATE_STATUS_PENDING);
  absl::StatusOr<std::optional<absl::Time>> next =
      templates_.ApplyDueReviews(absl::Now() + absl::Seconds(3));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  EXPECT_EQ(templates_.Get("p1", "late_checkout_confirmation", "en")->status(),
            v1::TEMPLATE_STATUS_APPROVED);
  absl::StatusOr<storage::MessageRecord> sent = templates_.Send(staff_, send);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_NE(sent->body.find("until 2 PM has been confirmed for room 205"), std::string::npos);
}

TEST_F(TemplateServiceTest, TheSandboxRejectsPromotionalUtilityWithMetasReason) {
  v1::Template reviewed = SubmitReviewed(
      Draft("spa_deal", v1::TEMPLATE_CATEGORY_UTILITY,
            "Hello {{guest_name}}, enjoy a 20% discount at our spa during your stay with us."));
  EXPECT_EQ(reviewed.status(), v1::TEMPLATE_STATUS_REJECTED);
  EXPECT_EQ(reviewed.rejection_reason(), "INCORRECT_CATEGORY");
  TemplateSend send = Welcome();
  send.template_name = "spa_deal";
  send.parameters = {{"guest_name", "John"}};
  absl::StatusOr<storage::MessageRecord> refused = templates_.Send(staff_, send);
  EXPECT_EQ(DetailText(refused.status(), "rejection_reason"), "INCORRECT_CATEGORY");
}

TEST_F(TemplateServiceTest, ASecondSubmissionOfTheSameNameAndLanguageIsRefused) {
  absl::StatusOr<v1::Template> again = templates_.Submit(
      "p1", Draft("welcome_checkin", v1::TEMPLATE_CATEGORY_UTILITY, "Welcome to our hotel."), {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(TemplateServiceTest, MarketingTemplatesRespectTheMarketingOptOut) {
  SubmitReviewed(Draft("spa_offer", v1::TEMPLATE_CATEGORY_MARKETING,
                       "Hello {{guest_name}}, our spa has a special offer for you this week."));
  ConsentService consent(t_.db());
  ASSERT_TRUE(consent.Set("p1", "+1234567890", "marketing", false, "asked at desk").ok());
  TemplateSend send = Welcome();
  send.template_name = "spa_offer";
  send.parameters = {{"guest_name", "John"}};
  send.conversation_metadata.clear();
  absl::StatusOr<storage::MessageRecord> refused = templates_.Send(staff_, send);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(ErrorCode(refused.status()), "GUEST_OPTED_OUT");
  // A utility template still reaches the guest.
  EXPECT_TRUE(templates_.Send(staff_, Welcome()).ok());
}

TEST_F(TemplateServiceTest, AProviderReportPausesATemplate) {
  v1::Template t = SubmitReviewed(Draft("pool_hours", v1::TEMPLATE_CATEGORY_UTILITY,
                                        "Hello {{guest_name}}, the pool is open from 7 until 22."));
  ASSERT_EQ(t.status(), v1::TEMPLATE_STATUS_APPROVED);
  TemplateStatusReport report{t.provider_template_id(), "", "", v1::TEMPLATE_STATUS_PAUSED, ""};
  ASSERT_TRUE(
      t_.db().Transaction([&] { return templates_.ApplyReportInTransaction("p1", report); }).ok());
  TemplateSend send = Welcome();
  send.template_name = "pool_hours";
  send.parameters = {{"guest_name", "John"}};
  absl::StatusOr<storage::MessageRecord> refused = templates_.Send(staff_, send);
  EXPECT_EQ(DetailText(refused.status(), "status"), "PAUSED");
}

TEST_F(TemplateServiceTest, AnExpiredWindowSuggestsTheApprovedTemplates) {
  OutboundRequest text;
  text.guest_phone = "+1234567890";
  text.body = "Are you still with us?";
  absl::StatusOr<storage::MessageRecord> refused = messaging_.SendText(staff_, text);
  ASSERT_FALSE(refused.ok());
  v1::ErrorDetail detail = DetailOf(refused.status());
  const auto& list = detail.details().fields().at("suggested_templates").list_value();
  std::vector<std::string> names;
  for (const auto& v : list.values()) names.push_back(v.string_value());
  EXPECT_NE(std::find(names.begin(), names.end(), "service_followup"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "general_inquiry"), names.end());
}

}  // namespace
}  // namespace wa::domain
