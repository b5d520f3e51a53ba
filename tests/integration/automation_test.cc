// Routing, automatic replies and business hours through the real server,
// on both surfaces and both stores (README, "Automation"): a guest asking
// for towels is routed to housekeeping with one audit record and one
// event, answered once within the cooldown; the after-hours reply goes once
// per closed period in the property's time zone; no reply outside the
// window, to an opted-out guest, or to one of the property's own numbers;
// the dry run changes nothing; rules are per property; bad input is
// refused with nothing stored. Matching and hours themselves are
// unit-tested (tests/unit/server/automation_rules_test.cc).
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

Rpc CreateRuleRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/CreateRule", "POST",
          absl::StrCat(kApi, "/automation/rules"), true};
}
Rpc ListRulesRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ListRules", "GET",
          absl::StrCat(kApi, "/automation/rules")};
}
Rpc GetRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/GetRule", "GET",
          absl::StrCat(kApi, "/automation/rules/", id)};
}
Rpc UpdateRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/UpdateRule", "PATCH",
          absl::StrCat(kApi, "/automation/rules/", id), true};
}
Rpc DeleteRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/DeleteRule", "DELETE",
          absl::StrCat(kApi, "/automation/rules/", id)};
}
Rpc ReorderRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ReorderRules", "POST",
          absl::StrCat(kApi, "/automation/rules:reorder"), true};
}
Rpc TestRulesRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/TestRules", "POST",
          absl::StrCat(kApi, "/automation/test"), true};
}
Rpc PutDepartmentRpc(const std::string& name) {
  return {"/hotel.whatsapp.v1.AutomationService/PutDepartment", "PUT",
          absl::StrCat(kApi, "/departments/", name), true};
}
Rpc ListDepartmentsRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ListDepartments", "GET",
          absl::StrCat(kApi, "/departments")};
}
Rpc AuditRpc(const std::string& token_id) {
  return {"/hotel.whatsapp.v1.AdminService/ListAuditEvents", "GET",
          absl::StrCat(kApi, "/admin/audit?page_size=100&token_id=", token_id)};
}
Rpc EventsRpc(const std::string& conversation_id) {
  return {"/hotel.whatsapp.v1.EventsService/ListEvents", "GET",
          absl::StrCat(kApi, "/events?page_size=500&conversation_id=", conversation_id)};
}

v1::CreateRuleRequest TowelsRule() {
  v1::CreateRuleRequest rule;
  rule.set_name("Towels to housekeeping");
  rule.set_enabled(true);
  for (const char* k : {"towel", "towels", "toalla", "serviette", "Handtuch"}) {
    rule.mutable_match()->add_keywords(k);
  }
  rule.mutable_match()->set_hours("always");
  rule.add_actions()->mutable_assign()->set_department("housekeeping");
  rule.add_actions()->mutable_reply()->set_text(
      "Of course {{guest_name}}! Housekeeping will bring them shortly.");
  rule.mutable_cooldown()->set_seconds(3600);
  return rule;
}

class AutomationTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    v1::PutDepartmentRequest housekeeping;  // no hours: always open
    housekeeping.set_department("housekeeping");
    v1::Department answer;
    ASSERT_TRUE(Call(PutDepartmentRpc("housekeeping"), housekeeping, &answer).ok);
  }

  Outcome Call(const Rpc& rpc, const google::protobuf::Message& request,
               google::protobuf::Message* response, const std::string& token = "") {
    return surface_->Call(rpc, token.empty() ? *admin_ : token, request, response);
  }

  v1::AutomationRule Create(const v1::CreateRuleRequest& request) {
    v1::AutomationRule rule;
    Outcome outcome = Call(CreateRuleRpc(), request, &rule);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return rule;
  }

  v1::ListRulesResponse Rules(const std::string& token = "") {
    v1::ListRulesResponse rules;
    Outcome outcome = Call(ListRulesRpc(), v1::ListRulesRequest(), &rules, token);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return rules;
  }

  v1::SimulateInboundResponse Writes(const std::string& guest, const std::string& text,
                                     absl::Duration ago = absl::ZeroDuration()) {
    v1::SimulateInboundRequest request;
    request.set_guest_phone(guest);
    request.set_text(text);
    request.set_profile_name("Ana");
    if (ago > absl::ZeroDuration()) {
      request.mutable_timestamp()->set_seconds(absl::ToUnixSeconds(absl::Now() - ago));
    }
    v1::SimulateInboundResponse response;
    Outcome outcome = Call(InboundRpc(), request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response;
  }

  v1::Conversation Conversation(const std::string& id) {
    v1::GetConversationRequest request;
    request.set_conversation_id(id);
    v1::Conversation conversation;
    Outcome outcome = Call(ConversationRpc(id), request, &conversation, *staff_);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return conversation;
  }

  std::vector<std::string> OutboundTexts(const v1::Conversation& c) {
    std::vector<std::string> texts;
    for (const v1::Message& m : c.messages()) {
      if (m.direction() == v1::DIRECTION_OUTBOUND) texts.push_back(m.text());
    }
    return texts;
  }

  // Waits until `done(conversation)` holds (the worker runs after the commit).
  v1::Conversation WaitFor(const std::string& id,
                           const std::function<bool(const v1::Conversation&)>& done,
                           absl::Duration patience = absl::Seconds(10)) {
    v1::Conversation c;
    absl::Time deadline = absl::Now() + patience;
    while (absl::Now() < deadline) {
      c = Conversation(id);
      if (done(c)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return c;
  }

  // The automation works off a queue: after this, every message written
  // before it has been evaluated (a probe message routed by its own rule).
  void Settle(const std::string& probe_guest) {
    v1::SimulateInboundResponse probe = Writes(probe_guest, "probe-settle");
    WaitFor(probe.conversation_id(),
            [](const v1::Conversation& c) { return c.department() == "housekeeping"; });
  }

  void AddProbeRule() {
    v1::CreateRuleRequest probe;
    probe.set_name("probe");
    probe.set_enabled(true);
    probe.mutable_match()->set_pattern("^probe-settle$");
    probe.add_actions()->mutable_assign()->set_department("housekeeping");
    Create(probe);
  }

  int CountEvents(const std::string& conversation_id, const std::string& kind) {
    v1::ListEventsRequest request;
    request.set_conversation_id(conversation_id);
    request.set_page_size(500);
    v1::ListEventsResponse events;
    Outcome outcome = Call(EventsRpc(conversation_id), request, &events);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    int n = 0;
    for (const v1::Event& e : events.events()) n += e.event() == kind;
    return n;
  }

  std::vector<v1::AuditEvent> Audit(const std::string& token_id) {
    v1::ListAuditEventsRequest request;
    request.set_page_size(100);
    request.set_token_id(token_id);
    v1::ListAuditEventsResponse response;
    Outcome outcome = Call(AuditRpc(token_id), request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return {response.events().begin(), response.events().end()};
  }
};

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

TEST_P(AutomationTest, DryRunSaysWhatWouldHappenAndChangesNothing) {
  v1::AutomationRule towels = Create(TowelsRule());
  v1::ListRulesResponse before = Rules();
  v1::TestRulesRequest request;
  request.mutable_message()->set_text("Can I get two more towels?");
  request.mutable_message()->set_message_type(v1::MESSAGE_TYPE_TEXT);
  request.mutable_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  v1::TestRulesResponse answer;
  Outcome outcome = Call(TestRulesRpc(), request, &answer);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  ASSERT_EQ(answer.matches_size(), 1);
  EXPECT_EQ(answer.matches(0).rule_id(), towels.rule_id());
  EXPECT_EQ(answer.matches(0).actions_size(), 2);
  EXPECT_TRUE(answer.department_open());  // housekeeping has no hours: always open
  if (GetParam() == "rest") {
    EXPECT_TRUE(absl::StrContains(outcome.raw_body, "\"department_open\":true"))
        << outcome.raw_body;
  }
  request.mutable_message()->set_text("What is the wifi password?");
  ASSERT_TRUE(Call(TestRulesRpc(), request, &answer).ok);
  EXPECT_EQ(answer.matches_size(), 0);
  v1::ListRulesResponse after = Rules();
  EXPECT_EQ(before.SerializeAsString(), after.SerializeAsString());
  EXPECT_TRUE(Audit(absl::StrCat("automation:", towels.rule_id())).empty());
}

TEST_P(AutomationTest, RulesArePerPropertyAdminOnlyAndReorderable) {
  v1::AutomationRule towels = Create(TowelsRule());
  v1::CreateRuleRequest second = TowelsRule();
  second.set_name("Second");
  v1::AutomationRule other = Create(second);
  // Another property's admin sees none of them.
  v1::ListRulesResponse others = Rules(*other_admin_);
  for (const v1::AutomationRule& r : others.rules()) {
    EXPECT_NE(r.rule_id(), towels.rule_id());
  }
  v1::GetRuleRequest get;
  get.set_rule_id(towels.rule_id());
  v1::AutomationRule got;
  Outcome outcome = Call(GetRuleRpc(towels.rule_id()), get, &got, *other_admin_);
  EXPECT_EQ(outcome.error.code(), "NOT_FOUND");
  outcome = Call(ListRulesRpc(), v1::ListRulesRequest(), &got, *staff_);
  EXPECT_EQ(outcome.error.code(), "PERMISSION_DENIED");
  // Reversed order.
  v1::ReorderRulesRequest reorder;
  v1::ListRulesResponse rules = Rules();
  for (int i = rules.rules_size() - 1; i >= 0; --i) reorder.add_rule_ids(rules.rules(i).rule_id());
  v1::ListRulesResponse reordered;
  outcome = Call(ReorderRpc(), reorder, &reordered);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  ASSERT_EQ(reordered.rules_size(), rules.rules_size());
  EXPECT_EQ(reordered.rules(0).rule_id(), other.rule_id());
  EXPECT_EQ(reordered.rules(0).position(), 1);
  // PATCH changes only what it names; DELETE removes the rule.
  v1::UpdateRuleRequest update;
  update.set_rule_id(towels.rule_id());
  update.set_enabled(false);
  v1::AutomationRule updated;
  outcome = Call(UpdateRuleRpc(towels.rule_id()), update, &updated);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_FALSE(updated.enabled());
  EXPECT_EQ(updated.name(), towels.name());
  EXPECT_EQ(updated.actions_size(), 2);
  outcome = Call(UpdateRuleRpc(towels.rule_id()), update, &updated, *other_admin_);
  EXPECT_EQ(outcome.error.code(), "NOT_FOUND");
  v1::DeleteRuleRequest remove;
  remove.set_rule_id(towels.rule_id());
  v1::DeleteRuleResponse removed;
  outcome = Call(DeleteRuleRpc(towels.rule_id()), remove, &removed, *other_admin_);
  EXPECT_EQ(outcome.error.code(), "NOT_FOUND");
  outcome = Call(DeleteRuleRpc(towels.rule_id()), remove, &removed);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  outcome = Call(GetRuleRpc(towels.rule_id()), get, &got);
  EXPECT_EQ(outcome.error.code(), "NOT_FOUND");
  reorder.clear_rule_ids();
  v1::ListRulesResponse remaining = Rules();
  for (const v1::AutomationRule& r : remaining.rules()) reorder.add_rule_ids(r.rule_id());
  // Not every rule: refused, the order kept.
  v1::ListRulesResponse kept = Rules();
  reorder.mutable_rule_ids()->RemoveLast();
  outcome = Call(ReorderRpc(), reorder, &reordered);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT");
  EXPECT_EQ(Rules().SerializeAsString(), kept.SerializeAsString());
}

TEST_P(AutomationTest, StarterSetIsThereAndDisabled) {
  v1::ListRulesResponse rules = Rules();
  ASSERT_GE(rules.rules_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(rules.rules(i).enabled()) << rules.rules(i).name();
  v1::ListDepartmentsResponse departments;
  ASSERT_TRUE(Call(ListDepartmentsRpc(), v1::ListDepartmentsRequest(), &departments).ok);
  std::set<std::string> names;
  for (const v1::Department& d : departments.departments()) names.insert(d.department());
  EXPECT_TRUE(names.contains("housekeeping"));
  EXPECT_TRUE(names.contains("front_desk"));
}

TEST_P(AutomationTest, BadInputIsRefusedAndChangesNothing) {
  v1::ListRulesResponse before = Rules();
  struct Case {
    std::function<void(v1::CreateRuleRequest&)> spoil;
    std::string field;
  } cases[] = {
      {[](v1::CreateRuleRequest& r) { r.mutable_match()->set_pattern("(unclosed"); },
       "match.pattern"},
      {[](v1::CreateRuleRequest& r) { r.mutable_match()->set_hours("at_night"); }, "match.hours"},
      {[](v1::CreateRuleRequest& r) {
         r.mutable_actions(0)->mutable_assign()->set_department("spa_unknown");
       },
       "actions[0].assign.department"},
  };
  for (const Case& c : cases) {
    v1::CreateRuleRequest request = TowelsRule();
    c.spoil(request);
    v1::AutomationRule rule;
    Outcome outcome = Call(CreateRuleRpc(), request, &rule);
    EXPECT_FALSE(outcome.ok) << c.field;
    EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT") << outcome.raw_body;
    EXPECT_TRUE(absl::StrContains(outcome.error.DebugString(), c.field))
        << c.field << ": " << outcome.error.DebugString();
    if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 400);
  }
  v1::PutDepartmentRequest bad;
  bad.set_department("spa");
  v1::DayHours* h = bad.add_hours();
  h->set_day("MONDAY");
  h->set_open("7am");
  h->set_close("23:00");
  v1::Department department;
  Outcome outcome = Call(PutDepartmentRpc("spa"), bad, &department);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT") << outcome.raw_body;
  v1::ListDepartmentsResponse departments;
  ASSERT_TRUE(Call(ListDepartmentsRpc(), v1::ListDepartmentsRequest(), &departments).ok);
  for (const v1::Department& d : departments.departments()) EXPECT_NE(d.department(), "spa");
  EXPECT_EQ(Rules().SerializeAsString(), before.SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(Surfaces, AutomationTest, ::testing::Values("grpc", "rest"));

}  // namespace
}  // namespace wa::testing
