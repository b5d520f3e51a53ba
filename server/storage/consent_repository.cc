#include "server/storage/consent_repository.h"

namespace wa::storage {

absl::StatusOr<ConsentRecord> ConsentRepository::Get(const std::string& property_id,
                                                     const std::string& guest_phone) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT opted_out, marketing_opted_out, updated_at FROM guest_consent "
      "WHERE property_id = ? AND guest_phone = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, guest_phone);
  absl::StatusOr<std::optional<ConsentRecord>> row =
      FirstRow<ConsentRecord>(*stmt, [](const Statement& s) {
        return ConsentRecord{s.ColumnInt(0) != 0, s.ColumnInt(1) != 0, s.ColumnOptionalTime(2)};
      });
  if (!row.ok()) return row.status();
  return row->value_or(ConsentRecord{});
}

absl::Status ConsentRepository::Record(const std::string& property_id,
                                       const std::string& guest_phone,
                                       const ConsentEventRecord& e) {
  // Opting in to everything also lifts a marketing opt-out; opting out of
  // marketing leaves the general consent alone.
  absl::StatusOr<Statement> upsert = db_.Prepare(
      "INSERT INTO guest_consent (property_id, guest_phone, opted_out, marketing_opted_out, "
      "updated_at) VALUES (?1, ?2, "
      "CASE WHEN ?3 = 'all' THEN 1 - ?4 ELSE 0 END, 1 - ?4, ?5) "
      "ON CONFLICT (property_id, guest_phone) DO UPDATE SET "
      "opted_out = CASE WHEN ?3 = 'all' THEN 1 - ?4 ELSE guest_consent.opted_out END, "
      "marketing_opted_out = CASE WHEN ?3 = 'marketing' OR ?4 = 1 THEN 1 - ?4 "
      "ELSE guest_consent.marketing_opted_out END, updated_at = ?5");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, property_id)
      .Bind(2, guest_phone)
      .Bind(3, e.scope)
      .Bind(4, e.opted_in ? 1 : 0)
      .BindTime(5, e.at);
  if (absl::Status s = upsert->Run(); !s.ok()) return s;
  absl::StatusOr<Statement> event = db_.Prepare(
      "INSERT INTO consent_events (property_id, guest_phone, scope, opted_in, source, reason, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!event.ok()) return event.status();
  event->Bind(1, property_id)
      .Bind(2, guest_phone)
      .Bind(3, e.scope)
      .Bind(4, e.opted_in ? 1 : 0)
      .Bind(5, e.source)
      .Bind(6, e.reason)
      .BindTime(7, e.at);
  return event->Run();
}

absl::StatusOr<std::vector<ConsentEventRecord>> ConsentRepository::History(
    const std::string& property_id, const std::string& guest_phone, int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT scope, opted_in, source, reason, at FROM consent_events "
      "WHERE property_id = ? AND guest_phone = ? ORDER BY id DESC LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, guest_phone).Bind(3, limit);
  return CollectRows<ConsentEventRecord>(*stmt, [](const Statement& s) {
    return ConsentEventRecord{s.ColumnText(0), s.ColumnInt(1) != 0, s.ColumnText(2),
                              s.ColumnText(3), s.ColumnTime(4)};
  });
}

}  // namespace wa::storage
