#include "server/storage/conversation_repository.h"

#include "nlohmann/json.hpp"

namespace wa::storage {
namespace {

constexpr char kColumns[] =
    "SELECT c.conversation_id, c.property_id, c.guest_phone, c.status, c.metadata, c.created_at, "
    "c.updated_at, c.resolved_at, c.resolved_by, c.resolution_notes, c.satisfaction_rating, "
    "c.follow_up_required, c.assigned_to, c.department, c.phone_number_id, "
    "(SELECT gi.user_id FROM guest_identities gi WHERE gi.property_id = c.property_id "
    "AND gi.guest_key = c.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS guest_user_id, "
    "(SELECT gi.username FROM guest_identities gi WHERE gi.property_id = c.property_id "
    "AND gi.guest_key = c.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS guest_username, ";
// Reads that show a conversation count its messages; the send path, which
// only needs the conversation, does not pay for the count.
constexpr char kCounted[] =
    "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.conversation_id) "
    "FROM conversations c ";
constexpr char kUncounted[] = "0 FROM conversations c ";

ConversationRecord ReadConversation(const Statement& stmt) {
  ConversationRecord c;
  c.conversation_id = stmt.ColumnText(0);
  c.property_id = stmt.ColumnText(1);
  c.guest_phone = stmt.ColumnText(2);
  c.status = static_cast<v1::ConversationStatus>(stmt.ColumnInt(3));
  nlohmann::json metadata = nlohmann::json::parse(stmt.ColumnText(4), nullptr, false);
  if (metadata.is_object()) {
    for (auto& [key, value] : metadata.items()) {
      if (value.is_string()) c.metadata[key] = value.get<std::string>();
    }
  }
  c.created_at = stmt.ColumnTime(5);
  c.updated_at = stmt.ColumnTime(6);
  c.resolved_at = stmt.ColumnOptionalTime(7);
  c.resolved_by = stmt.ColumnText(8);
  c.resolution_notes = stmt.ColumnText(9);
  c.satisfaction_rating = static_cast<int>(stmt.ColumnInt(10));
  c.follow_up_required = stmt.ColumnInt(11) != 0;
  c.assigned_to = stmt.ColumnText(12);
  c.department = stmt.ColumnText(13);
  c.phone_number_id = stmt.ColumnText(14);
  c.guest_user_id = stmt.ColumnText(15);  // NULL (no identity) reads as ""
  c.guest_username = stmt.ColumnText(16);
  c.message_count = stmt.ColumnInt(17);
  return c;
}

}  // namespace

absl::Status ConversationRepository::Insert(const ConversationRecord& c) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO conversations (conversation_id, property_id, guest_phone, status, metadata, "
      "created_at, updated_at, phone_number_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, c.conversation_id)
      .Bind(2, c.property_id)
      .Bind(3, c.guest_phone)
      .Bind(4, static_cast<int>(c.status))
      .Bind(5, nlohmann::json(c.metadata).dump())
      .BindTime(6, c.created_at)
      .BindTime(7, c.updated_at)
      .Bind(8, c.phone_number_id);
  return stmt->Run();
}

absl::StatusOr<std::optional<ConversationRecord>> ConversationRepository::Get(
    const std::string& conversation_id) {
  static const std::string sql = std::string(kColumns) + kCounted + "WHERE c.conversation_id = ?";
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, conversation_id);
  return FirstRow<ConversationRecord>(*stmt, ReadConversation);
}

absl::StatusOr<std::optional<ConversationRecord>> ConversationRepository::FindActive(
    const std::string& property_id, const std::string& guest_phone) {
  static const std::string sql = std::string(kColumns) + kUncounted +
                                 "WHERE c.property_id = ? AND c.guest_phone = ? AND c.status = ? "
                                 "ORDER BY c.updated_at DESC LIMIT 1";
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id)
      .Bind(2, guest_phone)
      .Bind(3, static_cast<int>(v1::CONVERSATION_STATUS_ACTIVE));
  return FirstRow<ConversationRecord>(*stmt, ReadConversation);
}

absl::StatusOr<std::vector<ConversationRecord>> ConversationRepository::List(
    const ConversationFilter& f) {
  // Two statements rather than "?2 = '' OR guest_phone = ?2": SQLite plans a
  // statement once, and only a plain equality lets it use the guest index.
  static const std::string rest =
      "AND (?3 = 0 OR c.status = ?3) "
      "AND (?7 = '' OR c.assigned_to = ?7) AND (?8 = '' OR c.department = ?8) "
      "AND (?9 IS NULL OR c.updated_at >= ?9) AND (?10 IS NULL OR c.updated_at < ?10) "
      "AND (?4 IS NULL OR c.updated_at < ?4 OR (c.updated_at = ?4 AND c.conversation_id < ?5)) "
      "ORDER BY c.updated_at DESC, c.conversation_id DESC LIMIT ?6";
  static const std::string by_guest =
      std::string(kColumns) + kCounted + "WHERE c.property_id = ?1 AND c.guest_phone = ?2 " + rest;
  static const std::string all =
      std::string(kColumns) + kCounted + "WHERE c.property_id = ?1 AND ?2 = '' " + rest;
  absl::StatusOr<Statement> stmt = db_.Prepare(f.guest_phone.empty() ? all : by_guest);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, f.property_id)
      .Bind(2, f.guest_phone)
      .Bind(3, static_cast<int>(f.status))
      .BindOptionalTime(4, f.before_updated_at)
      .Bind(5, f.before_id)
      .Bind(6, f.limit)
      .Bind(7, f.assigned_to)
      .Bind(8, f.department)
      .BindOptionalTime(9, f.updated_after)
      .BindOptionalTime(10, f.updated_before);
  return CollectRows<ConversationRecord>(*stmt, ReadConversation);
}

absl::Status ConversationRepository::PatchMetadata(const std::string& conversation_id,
                                                   const std::map<std::string, std::string>& set,
                                                   const std::vector<std::string>& remove) {
  // A JSON merge patch: null removes a key.
  nlohmann::json patch(set);
  for (const std::string& key : remove) patch[key] = nullptr;
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE conversations SET metadata = json_patch(metadata, ?) WHERE conversation_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, patch.dump()).Bind(2, conversation_id);
  return stmt->Run();
}

absl::Status ConversationRepository::Resolve(const std::string& conversation_id,
                                             const Resolution& r) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE conversations SET status = ?1, resolved_at = ?2, resolved_by = ?3, "
      "resolution_notes = ?4, satisfaction_rating = ?5, follow_up_required = ?6, "
      "updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END "
      "WHERE conversation_id = ?7");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, static_cast<int>(v1::CONVERSATION_STATUS_RESOLVED))
      .BindTime(2, r.at)
      .Bind(3, r.resolved_by)
      .Bind(4, r.notes)
      .Bind(5, r.satisfaction_rating)
      .Bind(6, r.follow_up_required ? 1 : 0)
      .Bind(7, conversation_id);
  return stmt->Run();
}

absl::Status ConversationRepository::Assign(const std::string& conversation_id,
                                            const std::string& assigned_to,
                                            const std::string& department, absl::Time at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE conversations SET assigned_to = ?1, department = ?2, "
      "updated_at = CASE WHEN updated_at > ?3 THEN updated_at ELSE ?3 END "
      "WHERE conversation_id = ?4");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, assigned_to).Bind(2, department).BindTime(3, at).Bind(4, conversation_id);
  return stmt->Run();
}

}  // namespace wa::storage
