// Routing, automatic replies and business hours through the real server,
// on both surfaces and both stores (README, "Automation"): a guest asking
// for towels is routed to housekeeping with one audit record and one
// event, answered once within the cooldown; the after-hours reply goes once
// per closed period in the property's time zone; no reply outside the
// window, to an opted-out guest, or to one of the property's own numbers.
// The rules' own API is in automation_rules_api_test.cc; matching and
// hours are unit-tested (tests/unit/server/automation_rules_test.cc).
#include "tests/integration/automation_fixture.h"

namespace wa::testing {
namespace {

TEST_P(AutomationTest, TowelsAreRoutedOnceAndAnsweredOncePerCooldown) {
  v1::AutomationRule rule = Create(TowelsRule());
  EXPECT_TRUE(absl::StartsWith(rule.rule_id(), "rul_")) << rule.rule_id();
  EXPECT_GT(rule.position(), 0);
  EXPECT_EQ(rule.cooldown().seconds(), 3600);
  std::string guest = NewGuest();
  v1::SimulateInboundResponse first = Writes(guest, "Can I get two more towels?");
  v1::Conversation c = WaitFor(first.conversation_id(), [](const v1::Conversation& c) {
    return c.department() == "housekeeping" && c.messages_size() >= 2;
  });
  EXPECT_EQ(c.department(), "housekeeping");
  EXPECT_EQ(OutboundTexts(c),
            std::vector<std::string>{"Of course Ana! Housekeeping will bring them shortly."});
  // Again within the cooldown, in Spanish: no second reply, no second routing.
  Writes(guest, "Y una toalla más, por favor");
  AddProbeRule();
  Settle(NewGuest());
  c = Conversation(first.conversation_id());
  EXPECT_EQ(OutboundTexts(c).size(), 1u);
  EXPECT_EQ(CountEvents(first.conversation_id(), "conversation_routed"), 1);
  EXPECT_EQ(CountEvents(first.conversation_id(), "auto_reply_sent"), 1);
  const std::string actor = absl::StrCat("automation:", rule.rule_id());
  std::vector<v1::AuditEvent> audit = Audit(actor);
  int assigns = 0;
  int replies = 0;
  for (const v1::AuditEvent& e : audit) {
    assigns += e.method() == "automation.assign";
    replies += e.method() == "automation.reply";
    EXPECT_EQ(e.resources().at("conversation_id"), first.conversation_id());
  }
  EXPECT_EQ(assigns, 1);
  EXPECT_EQ(replies, 1);
}

// Metadata, then a template reply filled from it and the guest's name,
// then a stop: the later rule that also matches does not run.
TEST_P(AutomationTest, MetadataTemplateReplyAndStopRunInOrder) {
  v1::CreateRuleRequest spa;
  spa.set_name("Spa follow-up");
  spa.set_enabled(true);
  spa.mutable_match()->add_keywords("massage");
  (*spa.add_actions()->mutable_set_metadata()->mutable_metadata())["service"] = "spa massage";
  v1::ReplyAction* reply = spa.add_actions()->mutable_reply();
  reply->set_template_("service_followup");
  reply->set_language("en");
  (*reply->mutable_params())["guest_name"] = "{{guest_name}}";
  (*reply->mutable_params())["service_type"] = "{{metadata.service}}";
  spa.add_actions()->set_stop(true);
  v1::AutomationRule first = Create(spa);
  v1::CreateRuleRequest later = TowelsRule();
  later.mutable_match()->add_keywords("massage");
  Create(later);
  std::string guest = NewGuest();
  v1::SimulateInboundResponse wrote = Writes(guest, "The massage was wonderful");
  v1::Conversation c = WaitFor(wrote.conversation_id(),
                               [](const v1::Conversation& c) { return c.messages_size() >= 2; });
  EXPECT_EQ(c.metadata().at("service"), "spa massage");
  EXPECT_EQ(c.department(), "") << "the stop kept the later rule from running";
  std::vector<std::string> texts = OutboundTexts(c);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_TRUE(absl::StrContains(texts[0], "Hello Ana")) << texts[0];
  EXPECT_TRUE(absl::StrContains(texts[0], "spa massage")) << texts[0];
  int metadata_records = 0;
  for (const v1::AuditEvent& e : Audit(absl::StrCat("automation:", first.rule_id()))) {
    metadata_records += e.method() == "automation.set_metadata";
  }
  EXPECT_EQ(metadata_records, 1);
}

// Killed right after the guest's message committed (before, during or
// after its evaluation): after the restart it is routed and answered, once.
TEST_P(AutomationTest, ACrashAfterTheInboundCommitLosesAndDoublesNothing) {
  Create(TowelsRule());
  std::string guest = NewGuest();
  v1::SimulateInboundResponse first = Writes(guest, "Two more towels, please");
  surface_.reset();
  server_->Kill();
  server_->Start();
  SetUp();  // new connections to the restarted server
  // A claim the crash left holds the message for a few seconds.
  v1::Conversation c = WaitFor(
      first.conversation_id(),
      [](const v1::Conversation& c) {
        return c.department() == "housekeeping" && c.messages_size() >= 2;
      },
      absl::Seconds(20));
  EXPECT_EQ(c.department(), "housekeeping");
  EXPECT_TRUE(std::any_of(c.messages().begin(), c.messages().end(), [](const v1::Message& m) {
    return m.direction() == v1::DIRECTION_INBOUND && m.text() == "Two more towels, please";
  }));
  AddProbeRule();
  Settle(NewGuest());
  EXPECT_EQ(OutboundTexts(Conversation(first.conversation_id())).size(), 1u);
  EXPECT_EQ(CountEvents(first.conversation_id(), "conversation_routed"), 1);
  EXPECT_EQ(CountEvents(first.conversation_id(), "auto_reply_sent"), 1);
  EXPECT_EQ(CountEvents(first.conversation_id(), "inbound_message"), 1);
}

TEST_P(AutomationTest, AfterHoursReplyOncePerClosedPeriodInThePropertyZone) {
  server_->Operator("properties set default --time_zone=Europe/Paris");
  v1::PutDepartmentRequest desk;
  desk.set_department("front_desk");
  for (const char* day :
       {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}) {
    v1::DayHours* h = desk.add_hours();
    h->set_day(day);
    h->set_open("07:00");
    h->set_close("23:00");
  }
  desk.mutable_after_hours_reply()->set_text("Our front desk team is back at 7:00.");
  v1::Department put;
  Outcome outcome = Call(PutDepartmentRpc("front_desk"), desk, &put);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(put.time_zone(), "Europe/Paris");
  v1::CreateRuleRequest all;
  all.set_name("Everything to the front desk");
  all.set_enabled(true);
  all.add_actions()->mutable_assign()->set_department("front_desk");
  Create(all);
  // A time in the last day when the desk was closed in Paris (23:00 to
  // 07:00 local), with ten closed minutes after it.
  absl::TimeZone paris;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  auto closed = [&](absl::Time t) {
    int hour = absl::ToCivilHour(t, paris).hour();
    return hour >= 23 || hour < 7;
  };
  absl::Time late = absl::Now() - absl::Minutes(20);
  while (!(closed(late) && closed(late + absl::Minutes(10)))) late -= absl::Minutes(10);
  std::string guest = NewGuest();
  v1::SimulateInboundResponse first = Writes(guest, "Hello, is anyone there?", absl::Now() - late);
  v1::Conversation c = WaitFor(first.conversation_id(),
                               [](const v1::Conversation& c) { return c.messages_size() >= 2; });
  EXPECT_EQ(c.department(), "front_desk");
  EXPECT_EQ(OutboundTexts(c), std::vector<std::string>{"Our front desk team is back at 7:00."});
  // Ten minutes later, the same night: no second after-hours reply.
  Writes(guest, "Hello?", absl::Now() - (late + absl::Minutes(10)));
  AddProbeRule();
  Settle(NewGuest());
  EXPECT_EQ(OutboundTexts(Conversation(first.conversation_id())).size(), 1u);
}

TEST_P(AutomationTest, NoReplyOutsideTheWindowOrToAnOptedOutGuestOrToOwnNumbers) {
  Create(TowelsRule());
  AddProbeRule();
  // Outside the window: routed, not answered.
  std::string late_guest = NewGuest();
  v1::SimulateInboundResponse late = Writes(late_guest, "towels please", absl::Hours(25));
  // Opted out (STOP), then asks: routed, not answered.
  std::string stopped = NewGuest();
  Writes(stopped, "STOP");
  v1::SimulateInboundResponse asked = Writes(stopped, "towels please");
  // One of the property's own numbers writing to another: nothing at all.
  std::string own = GetParam() == "grpc" ? "+15557770001" : "+15557770002";
  server_->Operator(absl::StrCat(
      "properties add-number default --phone_number_id=", GetParam() == "grpc" ? "9001" : "9002",
      " --waba_id=5001 --display_phone_number=", own));
  v1::SimulateInboundResponse loop = Writes(own, "towels please");
  Settle(NewGuest());
  v1::Conversation c = Conversation(late.conversation_id());
  EXPECT_EQ(c.department(), "housekeeping");
  EXPECT_TRUE(OutboundTexts(c).empty());
  c = Conversation(asked.conversation_id());
  EXPECT_EQ(c.department(), "housekeeping");
  EXPECT_TRUE(OutboundTexts(c).empty());
  c = Conversation(loop.conversation_id());
  EXPECT_EQ(c.department(), "");
  EXPECT_TRUE(OutboundTexts(c).empty());
  EXPECT_EQ(CountEvents(loop.conversation_id(), "conversation_routed"), 0);
}

INSTANTIATE_TEST_SUITE_P(Surfaces, AutomationTest, ::testing::Values("grpc", "rest"));

}  // namespace
}  // namespace wa::testing
