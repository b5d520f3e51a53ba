#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "server/domain/automation_rules.h"
#include "server/domain/business_hours.h"
#include "server/storage/automation_repository.h"
#include "server/storage/database.h"
#include "server/storage/property_repository.h"

namespace wa::domain {

// A department as the automation reads it.
struct DepartmentHours {
  BusinessHours hours;
  std::string after_hours_reply;  // "" : none
};

// What the rules of one property need to run, read once and shared by
// every evaluation until a rule or department changes.
struct PropertyAutomation {
  std::vector<CompiledRule> rules;  // enabled ones, in order
  std::map<std::string, DepartmentHours> departments;
  absl::TimeZone zone;
  // Whether `department` is open at `t`; one that is unknown (or "") is
  // always open.
  bool Open(const std::string& department, absl::Time t) const;
};

// What one message would set off: the matching rules in order (a stop
// ends the list) and the language read from its text.
struct RulePlan {
  std::vector<const CompiledRule*> matches;
  std::string detected_language;
};

// The property's rules and departments (admin): kept per property, checked
// and compiled when written, run in order by the AutomationEngine.
class AutomationService {
 public:
  struct Options {
    // A fresh property gets the starter rules (disabled) and departments:
    // the sandbox.
    bool starter_set = false;
  };

  AutomationService(storage::Database& db, Options options)
      : db_(db), options_(options), repo_(db), properties_(db) {}

  absl::StatusOr<hotel::whatsapp::v1::AutomationRule> Create(
      const std::string& property_id, const hotel::whatsapp::v1::CreateRuleRequest& request);
  absl::StatusOr<std::vector<hotel::whatsapp::v1::AutomationRule>> List(
      const std::string& property_id);
  absl::StatusOr<hotel::whatsapp::v1::AutomationRule> Get(const std::string& property_id,
                                                          const std::string& rule_id);
  absl::StatusOr<hotel::whatsapp::v1::AutomationRule> Update(
      const std::string& property_id, const hotel::whatsapp::v1::UpdateRuleRequest& request);
  absl::Status Delete(const std::string& property_id, const std::string& rule_id);
  // `rule_ids`: every rule of the property, once.
  absl::StatusOr<std::vector<hotel::whatsapp::v1::AutomationRule>> Reorder(
      const std::string& property_id, const std::vector<std::string>& rule_ids);
  // The dry run: reads only.
  absl::StatusOr<hotel::whatsapp::v1::TestRulesResponse> Test(
      const std::string& property_id, const hotel::whatsapp::v1::SampleMessage& message,
      absl::Time at);

  absl::StatusOr<hotel::whatsapp::v1::Department> PutDepartment(
      const std::string& property_id, hotel::whatsapp::v1::Department department, absl::Time now);
  absl::StatusOr<std::vector<hotel::whatsapp::v1::Department>> ListDepartments(
      const std::string& property_id, absl::Time now);

  // The enabled rules and departments of a property, compiled.
  absl::StatusOr<std::shared_ptr<const PropertyAutomation>> Snapshot(
      const std::string& property_id);

 private:
  absl::Status EnsureStarterSet(const std::string& property_id);
  absl::Status SeedInTransaction(const std::string& property_id);
  // Inside a transaction: the rule checked against the property's departments.
  absl::Status CheckRule(const std::string& property_id,
                         const hotel::whatsapp::v1::AutomationRule& rule);
  absl::StatusOr<hotel::whatsapp::v1::AutomationRule> Write(
      const std::string& property_id, hotel::whatsapp::v1::AutomationRule rule);
  absl::StatusOr<std::shared_ptr<const PropertyAutomation>> Load(const std::string& property_id);
  void Forget(const std::string& property_id);

  storage::Database& db_;
  Options options_;
  storage::AutomationRepository repo_;
  storage::PropertyRepository properties_;
  absl::Mutex mu_;
  std::set<std::string> seeded_ ABSL_GUARDED_BY(mu_);
  struct Cached {
    std::shared_ptr<const PropertyAutomation> automation;
    absl::Time loaded_at;
  };
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

// Runs the snapshot's rules on one message, in order, all match fields
// holding, until a stop.
// `conversation_department` reads match.hours for rules that assign none.
RulePlan PlanRules(const PropertyAutomation& automation, MessageFacts& facts, absl::Time at,
                   const std::string& conversation_department);

}  // namespace wa::domain
