#include "server/domain/automation_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/language_detection.h"
#include "server/domain/property_clock.h"
#include "server/domain/starter_automation.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// Another instance's change reaches this one's cache within this time.
constexpr absl::Duration kCacheLife = absl::Seconds(5);
constexpr int kMaxRules = 500;
constexpr int kMaxDepartments = 100;

void Stamp(google::protobuf::Timestamp* out, absl::Time t) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

absl::Status CheckDepartmentName(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-';
      });
  if (!ok) {
    return InvalidArgument("department is 1-64 lower-case letters, digits, '_' or '-'",
                           "department");
  }
  return absl::OkStatus();
}

absl::Status RuleNotFound(const std::string& rule_id) { return NotFound("rule", rule_id); }

}  // namespace

bool PropertyAutomation::Open(const std::string& department, absl::Time t) const {
  auto found = departments.find(department);
  return found == departments.end() || IsOpen(found->second.hours, t, zone);
}

RulePlan PlanRules(const PropertyAutomation& automation, MessageFacts& facts, absl::Time at,
                   const std::string& conversation_department) {
  RulePlan plan;
  for (const CompiledRule& rule : automation.rules) {
    auto open = [&](const std::string& department) {
      return automation.Open(department.empty() ? conversation_department : department, at);
    };
    if (!RuleMatches(rule, facts, open)) continue;
    plan.matches.push_back(&rule);
    const auto& actions = rule.rule.actions();
    if (std::any_of(actions.begin(), actions.end(), [](const auto& a) { return a.stop(); })) {
      break;
    }
  }
  plan.detected_language = facts.detected_language();
  return plan;
}

absl::Status AutomationService::CheckRule(const std::string& property_id,
                                          const v1::AutomationRule& rule) {
  RETURN_IF_ERROR(CompileRule(rule).status());
  for (int i = 0; i < rule.actions_size(); ++i) {
    const std::string& department = rule.actions(i).assign().department();
    if (department.empty()) continue;
    const std::string field = absl::StrCat("actions[", i, "].assign.department");
    ASSIGN_OR_RETURN(std::optional<storage::DepartmentRecord> found,
                     repo_.Department(property_id, department));
    if (!found) {
      return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                   absl::StrCat("unknown department \"", department, "\""))
          .Detail("field", field)
          .Recovery({"Create it with PUT /api/v1/whatsapp/departments/{department}"});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::AutomationRule> AutomationService::Write(const std::string& property_id,
                                                            v1::AutomationRule rule) {
  absl::StatusOr<v1::AutomationRule> written = storage::TransactValue(db_, [&] {
    return [&]() -> absl::StatusOr<v1::AutomationRule> {
      RETURN_IF_ERROR(CheckRule(property_id, rule));
      RETURN_IF_ERROR(repo_.PutRule({property_id, rule}));
      return rule;
    }();
  });
  Forget(property_id);
  return written;
}

absl::StatusOr<v1::AutomationRule> AutomationService::Create(const std::string& property_id,
                                                             const v1::CreateRuleRequest& request) {
  RETURN_IF_ERROR(EnsureStarterSet(property_id));
  ASSIGN_OR_RETURN(std::vector<storage::RuleRecord> existing,
                   storage::ReadValue(db_, [&] { return repo_.Rules(property_id); }));
  if (existing.size() >= kMaxRules) {
    return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                 "a property holds at most 500 rules")
        .Recovery({"Delete rules that are no longer used"});
  }
  v1::AutomationRule rule;
  rule.set_rule_id(NewId("rul_"));
  rule.set_position(existing.empty() ? 1 : existing.back().definition.position() + 1);
  rule.set_name(request.name());
  rule.set_enabled(request.enabled());
  *rule.mutable_match() = request.match();
  *rule.mutable_actions() = request.actions();
  if (request.has_cooldown()) {
    *rule.mutable_cooldown() = request.cooldown();
  } else {
    rule.mutable_cooldown()->set_seconds(absl::ToInt64Seconds(kDefaultCooldown));
  }
  const absl::Time now = absl::Now();
  Stamp(rule.mutable_created_at(), now);
  Stamp(rule.mutable_updated_at(), now);
  return Write(property_id, std::move(rule));
}

absl::StatusOr<std::vector<v1::AutomationRule>> AutomationService::List(
    const std::string& property_id) {
  RETURN_IF_ERROR(EnsureStarterSet(property_id));
  ASSIGN_OR_RETURN(std::vector<storage::RuleRecord> rows,
                   storage::ReadValue(db_, [&] { return repo_.Rules(property_id); }));
  std::vector<v1::AutomationRule> rules;
  for (storage::RuleRecord& r : rows) rules.push_back(std::move(r.definition));
  return rules;
}

absl::StatusOr<v1::AutomationRule> AutomationService::Get(const std::string& property_id,
                                                          const std::string& rule_id) {
  ASSIGN_OR_RETURN(std::optional<storage::RuleRecord> found,
                   storage::ReadValue(db_, [&] { return repo_.Rule(property_id, rule_id); }));
  if (!found) return RuleNotFound(rule_id);
  return found->definition;
}

absl::StatusOr<v1::AutomationRule> AutomationService::Update(const std::string& property_id,
                                                             const v1::UpdateRuleRequest& request) {
  ASSIGN_OR_RETURN(v1::AutomationRule rule, Get(property_id, request.rule_id()));
  if (request.has_name()) rule.set_name(request.name());
  if (request.has_enabled()) rule.set_enabled(request.enabled());
  if (request.has_match()) *rule.mutable_match() = request.match();
  if (!request.actions().empty()) *rule.mutable_actions() = request.actions();
  if (request.has_cooldown()) *rule.mutable_cooldown() = request.cooldown();
  Stamp(rule.mutable_updated_at(), absl::Now());
  return Write(property_id, std::move(rule));
}

absl::Status AutomationService::Delete(const std::string& property_id, const std::string& rule_id) {
  absl::Status s = db_.Transaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(int64_t deleted, repo_.DeleteRule(property_id, rule_id));
    return deleted > 0 ? absl::OkStatus() : RuleNotFound(rule_id);
  });
  Forget(property_id);
  return s;
}

absl::StatusOr<std::vector<v1::AutomationRule>> AutomationService::Reorder(
    const std::string& property_id, const std::vector<std::string>& rule_ids) {
  absl::Status s = db_.Transaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<storage::RuleRecord> rules, repo_.Rules(property_id));
    std::vector<std::string> given = rule_ids;
    std::vector<std::string> held;
    for (const storage::RuleRecord& r : rules) held.push_back(r.definition.rule_id());
    std::sort(given.begin(), given.end());
    std::sort(held.begin(), held.end());
    if (given != held) {
      return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                   "rule_ids names every rule of the property once")
          .Detail("field", "rule_ids")
          .Detail("rule_ids", held);
    }
    for (storage::RuleRecord& r : rules) {
      auto at = std::find(rule_ids.begin(), rule_ids.end(), r.definition.rule_id());
      r.definition.set_position(static_cast<int32_t>(at - rule_ids.begin()) + 1);
      RETURN_IF_ERROR(repo_.PutRule(r));
    }
    return absl::OkStatus();
  });
  Forget(property_id);
  if (!s.ok()) return s;
  return List(property_id);
}

absl::StatusOr<v1::TestRulesResponse> AutomationService::Test(const std::string& property_id,
                                                              const v1::SampleMessage& message,
                                                              absl::Time at) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PropertyAutomation> automation, Load(property_id));
  auto metadata = message.metadata().find("language");
  MessageFacts facts(
      message.text(),
      message.message_type() == v1::MESSAGE_TYPE_UNSPECIFIED ? v1::MESSAGE_TYPE_TEXT
                                                             : message.message_type(),
      message.reply_id(), metadata == message.metadata().end() ? "" : metadata->second);
  auto department = message.metadata().find("department");
  RulePlan plan = PlanRules(*automation, facts, at,
                            department == message.metadata().end() ? "" : department->second);
  v1::TestRulesResponse response;
  std::string routed;
  for (const CompiledRule* rule : plan.matches) {
    v1::RuleMatchResult* match = response.add_matches();
    match->set_rule_id(rule->rule.rule_id());
    match->set_name(rule->rule.name());
    *match->mutable_actions() = rule->rule.actions();
    if (routed.empty()) routed = rule->department;
  }
  response.set_department_open(!routed.empty() && automation->Open(routed, at));
  // What CLD2 reads in the text, whether or not a rule asked.
  response.set_detected_language(plan.detected_language.empty() ? DetectLanguage(message.text())
                                                                : plan.detected_language);
  return response;
}

absl::StatusOr<v1::Department> AutomationService::PutDepartment(const std::string& property_id,
                                                                v1::Department department,
                                                                absl::Time now) {
  RETURN_IF_ERROR(CheckDepartmentName(department.department()));
  ASSIGN_OR_RETURN(BusinessHours hours, ParseBusinessHours(department));
  if (department.after_hours_reply().text().size() > 4096) {
    return InvalidArgument("after_hours_reply.text is at most 4096 characters",
                           "after_hours_reply.text");
  }
  department.clear_open_now();
  department.clear_time_zone();
  ASSIGN_OR_RETURN(PropertyClock clock, storage::TransactValue(db_, [&] {
                     return [&]() -> absl::StatusOr<PropertyClock> {
                       ASSIGN_OR_RETURN(std::vector<storage::DepartmentRecord> all,
                                        repo_.Departments(property_id));
                       const bool known = std::any_of(all.begin(), all.end(), [&](const auto& d) {
                         return d.definition.department() == department.department();
                       });
                       if (!known && all.size() >= kMaxDepartments) {
                         return InvalidArgument("a property has at most 100 departments",
                                                "department");
                       }
                       RETURN_IF_ERROR(repo_.PutDepartment({property_id, department}, now));
                       return ReadPropertyClock(properties_, property_id);
                     }();
                   }));
  Forget(property_id);
  department.set_open_now(IsOpen(hours, now, clock.zone));
  department.set_time_zone(clock.zone.name());
  return department;
}

absl::StatusOr<std::vector<v1::Department>> AutomationService::ListDepartments(
    const std::string& property_id, absl::Time now) {
  RETURN_IF_ERROR(EnsureStarterSet(property_id));
  ASSIGN_OR_RETURN(std::shared_ptr<const PropertyAutomation> automation, Load(property_id));
  ASSIGN_OR_RETURN(std::vector<storage::DepartmentRecord> rows,
                   storage::ReadValue(db_, [&] { return repo_.Departments(property_id); }));
  std::vector<v1::Department> departments;
  for (storage::DepartmentRecord& row : rows) {
    v1::Department d = std::move(row.definition);
    d.set_open_now(automation->Open(d.department(), now));
    d.set_time_zone(automation->zone.name());
    departments.push_back(std::move(d));
  }
  return departments;
}

absl::StatusOr<std::shared_ptr<const PropertyAutomation>> AutomationService::Snapshot(
    const std::string& property_id) {
  {
    absl::MutexLock lock(&mu_);
    auto found = cache_.find(property_id);
    if (found != cache_.end() && absl::Now() - found->second.loaded_at < kCacheLife) {
      return found->second.automation;
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const PropertyAutomation> loaded, Load(property_id));
  absl::MutexLock lock(&mu_);
  cache_[property_id] = Cached{loaded, absl::Now()};
  return loaded;
}

absl::StatusOr<std::shared_ptr<const PropertyAutomation>> AutomationService::Load(
    const std::string& property_id) {
  auto automation = std::make_shared<PropertyAutomation>();
  RETURN_IF_ERROR(db_.Read([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<storage::RuleRecord> rules, repo_.Rules(property_id));
    for (const storage::RuleRecord& r : rules) {
      if (!r.definition.enabled()) continue;
      absl::StatusOr<CompiledRule> compiled = CompileRule(r.definition);
      // Stored rules were checked when written; one that no longer
      // compiles is skipped, not fatal.
      if (compiled.ok()) automation->rules.push_back(*std::move(compiled));
    }
    ASSIGN_OR_RETURN(std::vector<storage::DepartmentRecord> departments,
                     repo_.Departments(property_id));
    for (const storage::DepartmentRecord& d : departments) {
      absl::StatusOr<BusinessHours> hours = ParseBusinessHours(d.definition);
      if (!hours.ok()) continue;
      automation->departments[d.definition.department()] =
          DepartmentHours{*std::move(hours), d.definition.after_hours_reply().text()};
    }
    ASSIGN_OR_RETURN(PropertyClock clock, ReadPropertyClock(properties_, property_id));
    automation->zone = clock.zone;
    return absl::OkStatus();
  }));
  return std::shared_ptr<const PropertyAutomation>(std::move(automation));
}

void AutomationService::Forget(const std::string& property_id) {
  absl::MutexLock lock(&mu_);
  cache_.erase(property_id);
}

absl::Status AutomationService::EnsureStarterSet(const std::string& property_id) {
  if (!options_.starter_set) return absl::OkStatus();
  {
    absl::MutexLock lock(&mu_);
    if (seeded_.contains(property_id)) return absl::OkStatus();
  }
  RETURN_IF_ERROR(db_.Transaction([&] { return SeedInTransaction(property_id); }));
  Forget(property_id);
  absl::MutexLock lock(&mu_);
  seeded_.insert(property_id);
  return absl::OkStatus();
}

absl::Status AutomationService::SeedInTransaction(const std::string& property_id) {
  ASSIGN_OR_RETURN(bool seeded, repo_.Seeded(property_id));
  if (seeded) return absl::OkStatus();
  const absl::Time now = absl::Now();
  for (const v1::Department& d : StarterDepartments()) {
    ASSIGN_OR_RETURN(std::optional<storage::DepartmentRecord> found,
                     repo_.Department(property_id, d.department()));
    if (!found) RETURN_IF_ERROR(repo_.PutDepartment({property_id, d}, now));
  }
  ASSIGN_OR_RETURN(std::vector<storage::RuleRecord> existing, repo_.Rules(property_id));
  int position = existing.empty() ? 0 : existing.back().definition.position();
  for (v1::AutomationRule rule : StarterRules()) {
    rule.set_rule_id(NewId("rul_"));
    rule.set_position(++position);
    Stamp(rule.mutable_created_at(), now);
    Stamp(rule.mutable_updated_at(), now);
    RETURN_IF_ERROR(repo_.PutRule({property_id, rule}));
  }
  return repo_.MarkSeeded(property_id, now);
}

}  // namespace wa::domain
