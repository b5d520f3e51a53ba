#include "server/storage/conversation_repository.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/storage/statements.h"

namespace wa::storage {

const char kConversationFields[] =
    "c.conversation_id, c.property_id, c.guest_phone, c.status, c.metadata, c.created_at, "
    "c.updated_at, c.resolved_at, c.resolved_by, c.resolution_notes, c.satisfaction_rating, "
    "c.follow_up_required, c.assigned_to, c.department, c.phone_number_id, "
    "(SELECT gi.user_id FROM guest_identities gi WHERE gi.property_id = c.property_id "
    "AND gi.guest_key = c.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS guest_user_id, "
    "(SELECT gi.username FROM guest_identities gi WHERE gi.property_id = c.property_id "
    "AND gi.guest_key = c.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS guest_username, ";

ConversationRecord ReadConversationAt(const Statement& stmt, int first) {
  auto at = [first](int column) { return first + column; };
  ConversationRecord c;
  c.conversation_id = stmt.ColumnText(at(0));
  c.property_id = stmt.ColumnText(at(1));
  c.guest_phone = stmt.ColumnText(at(2));
  c.status = static_cast<v1::ConversationStatus>(stmt.ColumnInt(at(3)));
  nlohmann::json metadata = nlohmann::json::parse(stmt.ColumnText(at(4)), nullptr, false);
  if (metadata.is_object()) {
    for (auto& [key, value] : metadata.items()) {
      if (value.is_string()) c.metadata[key] = value.get<std::string>();
    }
  }
  c.created_at = stmt.ColumnTime(at(5));
  c.updated_at = stmt.ColumnTime(at(6));
  c.resolved_at = stmt.ColumnOptionalTime(at(7));
  c.resolved_by = stmt.ColumnText(at(8));
  c.resolution_notes = stmt.ColumnText(at(9));
  c.satisfaction_rating = static_cast<int>(stmt.ColumnInt(at(10)));
  c.follow_up_required = stmt.ColumnInt(at(11)) != 0;
  c.assigned_to = stmt.ColumnText(at(12));
  c.department = stmt.ColumnText(at(13));
  c.phone_number_id = stmt.ColumnText(at(14));
  c.guest_user_id = stmt.ColumnText(at(15));  // NULL (no identity) reads as ""
  c.guest_username = stmt.ColumnText(at(16));
  c.message_count = stmt.ColumnInt(at(17));
  return c;
}

namespace {

// Reads that show a conversation count its messages; the paths that only
// need the conversation (Find, FindActive) do not pay for the count.
constexpr char kCounted[] =
    "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.conversation_id) "
    "FROM conversations c ";
constexpr char kUncounted[] = "0 FROM conversations c ";

ConversationRecord ReadConversation(const Statement& stmt) { return ReadConversationAt(stmt, 0); }

}  // namespace

absl::Status ConversationRepository::Insert(const ConversationRecord& c) {
  return ExecOne(
      db_,
      "INSERT INTO conversations (conversation_id, property_id, guest_phone, status, metadata, "
      "created_at, updated_at, phone_number_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      c.conversation_id, c.property_id, c.guest_phone, static_cast<int>(c.status),
      nlohmann::json(c.metadata).dump(), c.created_at, c.updated_at, c.phone_number_id);
}

absl::StatusOr<std::optional<ConversationRecord>> ConversationRepository::Get(
    const std::string& conversation_id) {
  static const std::string sql =
      absl::StrCat("SELECT ", kConversationFields, kCounted, "WHERE c.conversation_id = ?");
  return QueryOne<ConversationRecord>(db_, sql, ReadConversation, conversation_id);
}

absl::StatusOr<std::optional<ConversationRecord>> ConversationRepository::Find(
    const std::string& conversation_id) {
  static const std::string sql =
      absl::StrCat("SELECT ", kConversationFields, kUncounted, "WHERE c.conversation_id = ?");
  return QueryOne<ConversationRecord>(db_, sql, ReadConversation, conversation_id);
}

absl::StatusOr<std::optional<ConversationRecord>> ConversationRepository::FindActive(
    const std::string& property_id, const std::string& guest_phone) {
  static const std::string sql =
      absl::StrCat("SELECT ", kConversationFields, kUncounted,
                   "WHERE c.property_id = ? AND c.guest_phone = ? AND c.status = ? "
                   "ORDER BY c.updated_at DESC LIMIT 1");
  return QueryOne<ConversationRecord>(db_, sql, ReadConversation, property_id, guest_phone,
                                      static_cast<int>(v1::CONVERSATION_STATUS_ACTIVE));
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
      absl::StrCat("SELECT ", kConversationFields, kCounted,
                   "WHERE c.property_id = ?1 AND c.guest_phone = ?2 ", rest);
  static const std::string all = absl::StrCat("SELECT ", kConversationFields, kCounted,
                                              "WHERE c.property_id = ?1 AND ?2 = '' ", rest);
  return QueryAll<ConversationRecord>(db_, f.guest_phone.empty() ? all : by_guest, ReadConversation,
                                      f.property_id, f.guest_phone, static_cast<int>(f.status),
                                      f.before_updated_at, f.before_id, f.limit, f.assigned_to,
                                      f.department, f.updated_after, f.updated_before);
}

absl::Status ConversationRepository::PatchMetadata(const std::string& conversation_id,
                                                   const std::map<std::string, std::string>& set,
                                                   const std::vector<std::string>& remove) {
  // A JSON merge patch: null removes a key.
  nlohmann::json patch(set);
  for (const std::string& key : remove) patch[key] = nullptr;
  return ExecOne(
      db_, "UPDATE conversations SET metadata = json_patch(metadata, ?) WHERE conversation_id = ?",
      patch.dump(), conversation_id);
}

absl::Status ConversationRepository::Resolve(const std::string& conversation_id,
                                             const Resolution& r) {
  return ExecOne(db_,
                 "UPDATE conversations SET status = ?1, resolved_at = ?2, resolved_by = ?3, "
                 "resolution_notes = ?4, satisfaction_rating = ?5, follow_up_required = ?6, "
                 "updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END "
                 "WHERE conversation_id = ?7",
                 static_cast<int>(v1::CONVERSATION_STATUS_RESOLVED), r.at, r.resolved_by, r.notes,
                 r.satisfaction_rating, r.follow_up_required ? 1 : 0, conversation_id);
}

absl::Status ConversationRepository::Assign(const std::string& conversation_id,
                                            const std::string& assigned_to,
                                            const std::string& department, absl::Time at) {
  return ExecOne(db_,
                 "UPDATE conversations SET assigned_to = ?1, department = ?2, "
                 "updated_at = CASE WHEN updated_at > ?3 THEN updated_at ELSE ?3 END "
                 "WHERE conversation_id = ?4",
                 assigned_to, department, at, conversation_id);
}

}  // namespace wa::storage
