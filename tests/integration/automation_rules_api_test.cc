// The automation rules' own API through the real server, on both surfaces
// and both stores (README, "Automation"): the dry run changes nothing;
// rules are per property, admin-only and reorderable; the starter set is
// there and disabled; bad input is refused with nothing stored.
#include "tests/integration/automation_fixture.h"

namespace wa::testing {
namespace {

class AutomationRulesTest : public AutomationTest {};

TEST_P(AutomationRulesTest, DryRunSaysWhatWouldHappenAndChangesNothing) {
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

TEST_P(AutomationRulesTest, RulesArePerPropertyAdminOnlyAndReorderable) {
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

TEST_P(AutomationRulesTest, StarterSetIsThereAndDisabled) {
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

TEST_P(AutomationRulesTest, BadInputIsRefusedAndChangesNothing) {
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

INSTANTIATE_TEST_SUITE_P(Surfaces, AutomationRulesTest, ::testing::Values("grpc", "rest"));

}  // namespace
}  // namespace wa::testing
