#pragma once

// The automation integration tests' fixture (automation_test.cc,
// automation_rules_api_test.cc): the AutomationService's calls on both
// surfaces, a rule that routes towel requests, and a server with the
// helpers the tests read it back with.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "tests/integration/api_fixture.h"

namespace wa::testing {

inline Rpc CreateRuleRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/CreateRule", "POST",
          absl::StrCat(kApi, "/automation/rules"), true};
}
inline Rpc ListRulesRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ListRules", "GET",
          absl::StrCat(kApi, "/automation/rules")};
}
inline Rpc GetRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/GetRule", "GET",
          absl::StrCat(kApi, "/automation/rules/", id)};
}
inline Rpc UpdateRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/UpdateRule", "PATCH",
          absl::StrCat(kApi, "/automation/rules/", id), true};
}
inline Rpc DeleteRuleRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.AutomationService/DeleteRule", "DELETE",
          absl::StrCat(kApi, "/automation/rules/", id)};
}
inline Rpc ReorderRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ReorderRules", "POST",
          absl::StrCat(kApi, "/automation/rules:reorder"), true};
}
inline Rpc TestRulesRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/TestRules", "POST",
          absl::StrCat(kApi, "/automation/test"), true};
}
inline Rpc PutDepartmentRpc(const std::string& name) {
  return {"/hotel.whatsapp.v1.AutomationService/PutDepartment", "PUT",
          absl::StrCat(kApi, "/departments/", name), true};
}
inline Rpc ListDepartmentsRpc() {
  return {"/hotel.whatsapp.v1.AutomationService/ListDepartments", "GET",
          absl::StrCat(kApi, "/departments")};
}
inline Rpc AuditRpc(const std::string& token_id) {
  return {"/hotel.whatsapp.v1.AdminService/ListAuditEvents", "GET",
          absl::StrCat(kApi, "/admin/audit?page_size=100&token_id=", token_id)};
}
inline Rpc EventsRpc(const std::string& conversation_id) {
  return {"/hotel.whatsapp.v1.EventsService/ListEvents", "GET",
          absl::StrCat(kApi, "/events?page_size=500&conversation_id=", conversation_id)};
}

inline v1::CreateRuleRequest TowelsRule() {
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

}  // namespace wa::testing
