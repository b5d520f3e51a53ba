#include "server/storage/automation_repository.h"

#include "absl/strings/str_cat.h"
#include "server/storage/statements.h"
#include "server/util/status_macros.h"

namespace wa::storage {
namespace {

RuleRecord ReadRule(const Statement& s) {
  RuleRecord r;
  r.property_id = s.ColumnText(0);
  r.definition.ParseFromString(s.ColumnBlob(1));
  r.definition.set_position(static_cast<int32_t>(s.ColumnInt(2)));
  return r;
}

DepartmentRecord ReadDepartment(const Statement& s) {
  DepartmentRecord d;
  d.property_id = s.ColumnText(0);
  d.definition.ParseFromString(s.ColumnBlob(1));
  return d;
}

AutomationTask ReadTask(const Statement& s) {
  return AutomationTask{s.ColumnText(0), s.ColumnText(1), static_cast<int>(s.ColumnInt(2))};
}

constexpr char kRuleColumns[] = "SELECT property_id, definition, position FROM automation_rules ";

}  // namespace

absl::StatusOr<std::vector<RuleRecord>> AutomationRepository::Rules(
    const std::string& property_id) {
  return QueryAll<RuleRecord>(
      db_, absl::StrCat(kRuleColumns, "WHERE property_id = ? ORDER BY position, rule_id"), ReadRule,
      property_id);
}

absl::StatusOr<std::optional<RuleRecord>> AutomationRepository::Rule(const std::string& property_id,
                                                                     const std::string& rule_id) {
  return QueryOne<RuleRecord>(db_,
                              absl::StrCat(kRuleColumns, "WHERE property_id = ? AND rule_id = ?"),
                              ReadRule, property_id, rule_id);
}

absl::Status AutomationRepository::PutRule(const RuleRecord& rule) {
  const hotel::whatsapp::v1::AutomationRule& r = rule.definition;
  ASSIGN_OR_RETURN(
      Statement stmt,
      db_.Prepare("INSERT INTO automation_rules (rule_id, property_id, position, definition, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (rule_id) DO UPDATE SET position = excluded.position, "
                  "definition = excluded.definition, updated_at = excluded.updated_at"));
  stmt.Bind(1, r.rule_id())
      .Bind(2, rule.property_id)
      .Bind(3, static_cast<int64_t>(r.position()))
      .BindBlob(4, r.SerializeAsString())
      .Bind(5, static_cast<int64_t>(r.created_at().seconds()))
      .Bind(6, static_cast<int64_t>(r.updated_at().seconds()));
  return stmt.Run();
}

absl::StatusOr<int64_t> AutomationRepository::DeleteRule(const std::string& property_id,
                                                         const std::string& rule_id) {
  ASSIGN_OR_RETURN(
      int64_t deleted,
      ExecCount(db_, "DELETE FROM automation_rules WHERE property_id = ? AND rule_id = ?",
                property_id, rule_id));
  RETURN_IF_ERROR(ExecOne(db_, "DELETE FROM automation_cooldowns WHERE rule_id = ?", rule_id));
  return deleted;
}

absl::StatusOr<bool> AutomationRepository::Seeded(const std::string& property_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> found,
                   QueryOne<std::string>(
                       db_, "SELECT property_id FROM automation_seeded WHERE property_id = ?",
                       [](const Statement& s) { return s.ColumnText(0); }, property_id));
  return found.has_value();
}

absl::Status AutomationRepository::MarkSeeded(const std::string& property_id, absl::Time at) {
  return ExecOne(db_,
                 "INSERT INTO automation_seeded (property_id, seeded_at) VALUES (?, ?) "
                 "ON CONFLICT (property_id) DO NOTHING",
                 property_id, at);
}

absl::StatusOr<std::vector<DepartmentRecord>> AutomationRepository::Departments(
    const std::string& property_id) {
  return QueryAll<DepartmentRecord>(
      db_,
      "SELECT property_id, definition FROM departments WHERE property_id = ? ORDER BY department",
      ReadDepartment, property_id);
}

absl::StatusOr<std::optional<DepartmentRecord>> AutomationRepository::Department(
    const std::string& property_id, const std::string& name) {
  return QueryOne<DepartmentRecord>(
      db_,
      "SELECT property_id, definition FROM departments WHERE property_id = ? AND department = ?",
      ReadDepartment, property_id, name);
}

absl::Status AutomationRepository::PutDepartment(const DepartmentRecord& department,
                                                 absl::Time at) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db_.Prepare("INSERT INTO departments (property_id, department, definition, updated_at) "
                  "VALUES (?, ?, ?, ?) ON CONFLICT (property_id, department) DO UPDATE SET "
                  "definition = excluded.definition, updated_at = excluded.updated_at"));
  stmt.Bind(1, department.property_id)
      .Bind(2, department.definition.department())
      .BindBlob(3, department.definition.SerializeAsString())
      .BindTime(4, at);
  return stmt.Run();
}

absl::StatusOr<bool> AutomationRepository::ClaimCooldown(const std::string& rule_id,
                                                         const std::string& conversation_id,
                                                         const std::string& message_id,
                                                         absl::Time at, absl::Duration cooldown) {
  // The upsert's WHERE makes the check and the record one statement, so two
  // instances racing for one reply cannot both win.
  ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCount(db_,
                "INSERT INTO automation_cooldowns (rule_id, conversation_id, fired_at, message_id) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (rule_id, conversation_id) DO UPDATE SET "
                "fired_at = excluded.fired_at, message_id = excluded.message_id "
                "WHERE automation_cooldowns.fired_at <= ? "
                "AND automation_cooldowns.message_id <> excluded.message_id",
                rule_id, conversation_id, at, message_id, at - cooldown));
  return changed > 0;
}

absl::StatusOr<bool> AutomationRepository::ClaimAfterHours(const std::string& property_id,
                                                           const std::string& department,
                                                           const std::string& conversation_id,
                                                           absl::Time closed_since) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCount(db_,
                "INSERT INTO after_hours_replies (property_id, department, conversation_id, "
                "closed_since) VALUES (?, ?, ?, ?) ON CONFLICT (property_id, department, "
                "conversation_id) DO UPDATE SET closed_since = excluded.closed_since "
                "WHERE after_hours_replies.closed_since < excluded.closed_since",
                property_id, department, conversation_id, closed_since));
  return changed > 0;
}

absl::Status AutomationRepository::Enqueue(const std::string& property_id,
                                           const std::string& message_id, absl::Time due_at) {
  return ExecOne(db_,
                 "INSERT INTO automation_queue (message_id, property_id, due_at, attempts) "
                 "VALUES (?, ?, ?, 0) ON CONFLICT (message_id) DO NOTHING",
                 message_id, property_id, due_at);
}

absl::StatusOr<std::vector<AutomationTask>> AutomationRepository::Due(absl::Time now, int limit) {
  return QueryAll<AutomationTask>(db_,
                                  "SELECT message_id, property_id, attempts FROM automation_queue "
                                  "WHERE due_at <= ? ORDER BY due_at, message_id LIMIT ?",
                                  ReadTask, now, limit);
}

absl::StatusOr<bool> AutomationRepository::Claim(const std::string& message_id, absl::Time now,
                                                 absl::Time hold_until) {
  ASSIGN_OR_RETURN(int64_t changed,
                   ExecCount(db_,
                             "UPDATE automation_queue SET due_at = ?, attempts = attempts + 1 "
                             "WHERE message_id = ? AND due_at <= ?",
                             hold_until, message_id, now));
  return changed > 0;
}

absl::Status AutomationRepository::Finish(const std::string& message_id) {
  return ExecOne(db_, "DELETE FROM automation_queue WHERE message_id = ?", message_id);
}

absl::StatusOr<std::optional<absl::Time>> AutomationRepository::NextDue() {
  return QueryOne<absl::Time>(db_, "SELECT due_at FROM automation_queue ORDER BY due_at LIMIT 1",
                              [](const Statement& s) { return s.ColumnTime(0); });
}

}  // namespace wa::storage
