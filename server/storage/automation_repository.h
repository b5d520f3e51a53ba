#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "server/storage/database.h"

namespace wa::storage {

// A property's rule. `definition` is the rule as the API shows it; its
// rule_id, position and times are the columns'.
struct RuleRecord {
  std::string property_id;
  hotel::whatsapp::v1::AutomationRule definition;
};

struct DepartmentRecord {
  std::string property_id;
  hotel::whatsapp::v1::Department definition;  // without open_now and time_zone
};

// An inbound message waiting for its rules to run.
struct AutomationTask {
  std::string message_id;
  std::string property_id;
  int attempts = 0;
};

// Rules, departments and the automation's own state. Methods run inside the
// caller's Database::Transaction or Database::Read.
class AutomationRepository {
 public:
  explicit AutomationRepository(Database& db) : db_(db) {}

  // Rules of one property, in order.
  absl::StatusOr<std::vector<RuleRecord>> Rules(const std::string& property_id);
  absl::StatusOr<std::optional<RuleRecord>> Rule(const std::string& property_id,
                                                 const std::string& rule_id);
  // Inserts or replaces (by rule_id) with the definition's position and times.
  absl::Status PutRule(const RuleRecord& rule);
  absl::StatusOr<int64_t> DeleteRule(const std::string& property_id, const std::string& rule_id);
  // Marks a property whose starter rules were written (whether kept or not).
  absl::StatusOr<bool> Seeded(const std::string& property_id);
  absl::Status MarkSeeded(const std::string& property_id, absl::Time at);

  absl::StatusOr<std::vector<DepartmentRecord>> Departments(const std::string& property_id);
  absl::StatusOr<std::optional<DepartmentRecord>> Department(const std::string& property_id,
                                                             const std::string& name);
  absl::Status PutDepartment(const DepartmentRecord& department, absl::Time at);

  // Records that `rule_id` replied in the conversation at `at` for the
  // inbound `message_id`, unless it did within `cooldown` before `at` or
  // already for that message: true when recorded (the reply may go).
  absl::StatusOr<bool> ClaimCooldown(const std::string& rule_id, const std::string& conversation_id,
                                     const std::string& message_id, absl::Time at,
                                     absl::Duration cooldown);
  // Records the after-hours reply of a closed period that began at
  // `closed_since`: true unless the conversation already had it for this
  // period (or a later one).
  absl::StatusOr<bool> ClaimAfterHours(const std::string& property_id,
                                       const std::string& department,
                                       const std::string& conversation_id, absl::Time closed_since);

  // The queue of inbound messages to evaluate.
  absl::Status Enqueue(const std::string& property_id, const std::string& message_id,
                       absl::Time due_at);
  absl::StatusOr<std::vector<AutomationTask>> Due(absl::Time now, int limit);
  // Holds the task until `hold_until`: true if it was due (claimed by us).
  absl::StatusOr<bool> Claim(const std::string& message_id, absl::Time now, absl::Time hold_until);
  absl::Status Finish(const std::string& message_id);
  // The earliest due time, if any (for the worker's sleep).
  absl::StatusOr<std::optional<absl::Time>> NextDue();

 private:
  Database& db_;
};

}  // namespace wa::storage
