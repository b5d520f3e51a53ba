#include "server/storage/template_repository.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr const char* kColumns =
    "property_id, definition, review_due_at, review_status, review_reason";

TemplateRecord ReadTemplate(const Statement& s) {
  TemplateRecord t;
  t.property_id = s.ColumnText(0);
  t.definition.ParseFromString(s.ColumnBlob(1));
  t.review_due_at = s.ColumnOptionalTime(2);
  t.review_status = static_cast<v1::TemplateStatus>(s.ColumnInt(3));
  t.review_reason = s.ColumnText(4);
  return t;
}

std::string LabelsJson(const v1::Template& t) {
  return nlohmann::json(std::vector<std::string>(t.labels().begin(), t.labels().end())).dump();
}

}  // namespace

absl::Status TemplateRepository::Insert(const TemplateRecord& record) {
  absl::StatusOr<std::optional<TemplateRecord>> existing =
      Get(record.property_id, record.definition.name(), record.definition.language());
  if (!existing.ok()) return existing.status();
  if (*existing) {
    return absl::AlreadyExistsError(absl::StrCat("template ", record.definition.name(), " (",
                                                 record.definition.language(), ") exists"));
  }
  return Put(record);
}

absl::Status TemplateRepository::Put(const TemplateRecord& r) {
  const v1::Template& t = r.definition;
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO templates (property_id, name, language, category, status, labels, "
      "provider_template_id, definition, review_due_at, review_status, review_reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (property_id, name, language) DO UPDATE SET category = excluded.category, "
      "status = excluded.status, labels = excluded.labels, "
      "provider_template_id = excluded.provider_template_id, definition = excluded.definition, "
      "review_due_at = excluded.review_due_at, review_status = excluded.review_status, "
      "review_reason = excluded.review_reason");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, r.property_id)
      .Bind(2, t.name())
      .Bind(3, t.language())
      .Bind(4, static_cast<int>(t.category()))
      .Bind(5, static_cast<int>(t.status()))
      .Bind(6, LabelsJson(t))
      .Bind(7, t.provider_template_id())
      .BindBlob(8, t.SerializeAsString())
      .BindOptionalTime(9, r.review_due_at)
      .Bind(10, static_cast<int>(r.review_status))
      .Bind(11, r.review_reason);
  return stmt->Run();
}

absl::StatusOr<std::optional<TemplateRecord>> TemplateRepository::Get(
    const std::string& property_id, const std::string& name, const std::string& language) {
  return QueryOne<TemplateRecord>(
      db_,
      absl::StrCat("SELECT ", kColumns,
                   " FROM templates WHERE property_id = ? AND name = ? AND language = ?"),
      ReadTemplate, property_id, name, language);
}

absl::StatusOr<std::vector<TemplateRecord>> TemplateRepository::ByName(
    const std::string& property_id, const std::string& name) {
  return QueryAll<TemplateRecord>(
      db_,
      absl::StrCat("SELECT ", kColumns,
                   " FROM templates WHERE property_id = ? AND name = ? ORDER BY language"),
      ReadTemplate, property_id, name);
}

absl::StatusOr<std::optional<TemplateRecord>> TemplateRepository::ByProviderId(
    const std::string& property_id, const std::string& provider_id) {
  return QueryOne<TemplateRecord>(
      db_,
      absl::StrCat("SELECT ", kColumns,
                   " FROM templates WHERE provider_template_id = ? AND property_id = ?"),
      ReadTemplate, provider_id, property_id);
}

absl::StatusOr<std::vector<TemplateRecord>> TemplateRepository::List(const TemplateFilter& f) {
  // ?2 = '' and ?3/?4 = 0 switch their filter off.
  return QueryAll<TemplateRecord>(
      db_,
      absl::StrCat("SELECT ", kColumns,
                   " FROM templates WHERE property_id = ?1 "
                   "AND (?2 = '' OR language = ?2) "
                   "AND (?3 = '' OR category = ?4 "
                   "     OR EXISTS (SELECT 1 FROM json_each(templates.labels) WHERE value = ?3)) "
                   "AND (?5 = 0 OR status = ?5) "
                   "AND (name > ?6 OR (name = ?6 AND language > ?7)) "
                   "ORDER BY name, language LIMIT ?8"),
      ReadTemplate, f.property_id, f.language, f.label, static_cast<int>(f.category),
      static_cast<int>(f.status), f.after_name, f.after_language, f.limit);
}

absl::StatusOr<std::vector<TemplateRecord>> TemplateRepository::ReviewsDue(absl::Time now,
                                                                           int limit) {
  return QueryAll<TemplateRecord>(
      db_,
      absl::StrCat("SELECT ", kColumns,
                   " FROM templates WHERE review_due_at IS NOT NULL AND review_due_at <= ? "
                   "ORDER BY review_due_at LIMIT ?"),
      ReadTemplate, now, limit);
}

absl::StatusOr<std::optional<absl::Time>> TemplateRepository::NextReview() {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT MIN(review_due_at) FROM templates WHERE review_due_at IS NOT NULL");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::StatusOr<bool> TemplateRepository::TakeReview(const std::string& property_id,
                                                    const std::string& name,
                                                    const std::string& language, absl::Time now) {
  RETURN_IF_ERROR(
      ExecOne(db_,
              "UPDATE templates SET review_due_at = NULL WHERE property_id = ? AND name = ? "
              "AND language = ? AND review_due_at IS NOT NULL AND review_due_at <= ?",
              property_id, name, language, now));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> TemplateRepository::Seeded(const std::string& property_id) {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT 1 FROM template_catalogs WHERE property_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id);
  return stmt->Step();
}

absl::Status TemplateRepository::MarkSeeded(const std::string& property_id, absl::Time at) {
  return ExecOne(db_,
                 "INSERT INTO template_catalogs (property_id, seeded_at) VALUES (?, ?) "
                 "ON CONFLICT DO NOTHING",
                 property_id, at);
}

}  // namespace wa::storage
