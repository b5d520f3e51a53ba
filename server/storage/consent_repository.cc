#include "server/storage/consent_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {

void ApplyConsentEvent(absl::string_view scope, bool opted_in, absl::Time at,
                       ConsentRecord& state) {
  // Everything includes marketing, both ways; opting out of (or back in
  // to) marketing leaves the general consent alone.
  if (scope == "all") {
    state.opted_out = !opted_in;
    state.marketing_opted_out = !opted_in;
  } else {
    state.marketing_opted_out = !opted_in;
  }
  state.updated_at = at;
}

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

absl::StatusOr<std::optional<ConsentRecord>> ConsentRepository::ErasedConsent(
    const std::string& property_id, const std::string& guest_hash) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT opted_out, marketing_opted_out, erased_at FROM guest_erasures "
      "WHERE property_id = ? AND guest_hash = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, guest_hash);
  return FirstRow<ConsentRecord>(*stmt, [](const Statement& s) {
    return ConsentRecord{s.ColumnInt(0) != 0, s.ColumnInt(1) != 0, s.ColumnOptionalTime(2)};
  });
}

absl::StatusOr<ConsentRecord> ConsentRepository::GetOrErased(const std::string& property_id,
                                                             const std::string& guest_phone,
                                                             const std::string& guest_hash) {
  absl::StatusOr<std::optional<ConsentRecord>> row = QueryOne<ConsentRecord>(
      db_,
      "SELECT opted_out, marketing_opted_out, updated_at, 0 AS erased FROM guest_consent "
      "WHERE property_id = ?1 AND guest_phone = ?2 "
      "UNION ALL SELECT opted_out, marketing_opted_out, erased_at, 1 FROM guest_erasures "
      "WHERE property_id = ?1 AND guest_hash = ?3 ORDER BY 4 LIMIT 1",
      [](const Statement& s) {
        return ConsentRecord{s.ColumnInt(0) != 0, s.ColumnInt(1) != 0, s.ColumnOptionalTime(2)};
      },
      property_id, guest_phone, guest_hash);
  if (!row.ok()) return row.status();
  return row->value_or(ConsentRecord{});
}

absl::StatusOr<bool> ConsentRepository::Seen(const std::string& property_id,
                                             const std::string& guest_phone,
                                             const ConsentEventRecord& e) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT 1 FROM consent_events WHERE property_id = ? AND guest_phone = ? AND scope = ? "
      "AND opted_in = ? AND source = ? AND at = ? LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id)
      .Bind(2, guest_phone)
      .Bind(3, e.scope)
      .Bind(4, e.opted_in ? 1 : 0)
      .Bind(5, e.source)
      .BindTime(6, e.at);
  absl::StatusOr<std::optional<int>> row =
      FirstRow<int>(*stmt, [](const Statement& s) { return s.ColumnInt(0); });
  if (!row.ok()) return row.status();
  return row->has_value();
}

absl::StatusOr<ConsentRecord> ConsentRepository::Replay(const std::string& property_id,
                                                        const std::string& guest_phone) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT scope, opted_in, at FROM consent_events WHERE property_id = ? AND guest_phone = ? "
      "ORDER BY at, id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, guest_phone);
  ConsentRecord state;
  absl::StatusOr<std::vector<int>> ignored = CollectRows<int>(*stmt, [&state](const Statement& s) {
    ApplyConsentEvent(s.ColumnText(0), s.ColumnInt(1) != 0, s.ColumnTime(2), state);
    return 0;
  });
  if (!ignored.ok()) return ignored.status();
  return state;
}

absl::Status ConsentRepository::Record(const std::string& property_id,
                                       const std::string& guest_phone,
                                       const ConsentEventRecord& e) {
  absl::StatusOr<bool> seen = Seen(property_id, guest_phone, e);
  if (!seen.ok()) return seen.status();
  if (*seen) return absl::OkStatus();  // a re-delivery changes nothing
  RETURN_IF_ERROR(ExecOne(
      db_,
      "INSERT INTO consent_events (property_id, guest_phone, scope, opted_in, source, reason, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      property_id, guest_phone, e.scope, e.opted_in ? 1 : 0, e.source, e.reason, e.at));
  // The state is the events replayed in the order they happened, not the
  // order they arrived: a late "resume" never undoes a later STOP.
  absl::StatusOr<ConsentRecord> state = Replay(property_id, guest_phone);
  if (!state.ok()) return state.status();
  return ExecOne(
      db_,
      "INSERT INTO guest_consent (property_id, guest_phone, opted_out, marketing_opted_out, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (property_id, guest_phone) DO UPDATE SET opted_out = ?3, "
      "marketing_opted_out = ?4, updated_at = ?5",
      property_id, guest_phone, state->opted_out ? 1 : 0, state->marketing_opted_out ? 1 : 0,
      state->updated_at);
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
