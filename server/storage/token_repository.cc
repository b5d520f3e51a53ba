#include "server/storage/token_repository.h"

namespace wa::storage {
namespace {

constexpr char kColumns[] =
    "SELECT token_id, name, role, property_id, hash, created_at, revoked_at FROM tokens ";

TokenRecord ReadToken(const Statement& stmt) {
  TokenRecord token;
  token.token_id = stmt.ColumnText(0);
  token.name = stmt.ColumnText(1);
  token.role = static_cast<v1::Role>(stmt.ColumnInt(2));
  token.property_id = stmt.ColumnText(3);
  token.hash = stmt.ColumnText(4);
  token.created_at = stmt.ColumnTime(5);
  token.revoked_at = stmt.ColumnOptionalTime(6);
  return token;
}

absl::StatusOr<std::optional<TokenRecord>> FindOne(Database& db, absl::string_view sql,
                                                   const std::string& key) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key);
  return FirstRow<TokenRecord>(*stmt, ReadToken);
}

}  // namespace

absl::Status TokenRepository::Insert(const TokenRecord& token) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO tokens (token_id, name, role, property_id, hash, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, token.token_id)
      .Bind(2, token.name)
      .Bind(3, static_cast<int>(token.role))
      .Bind(4, token.property_id)
      .Bind(5, token.hash)
      .BindTime(6, token.created_at);
  return stmt->Run();
}

absl::StatusOr<std::optional<TokenRecord>> TokenRepository::FindByHash(const std::string& hash) {
  static const std::string sql = std::string(kColumns) + "WHERE hash = ?";
  return FindOne(db_, sql, hash);
}

absl::StatusOr<std::optional<TokenRecord>> TokenRepository::Get(const std::string& token_id) {
  static const std::string sql = std::string(kColumns) + "WHERE token_id = ?";
  return FindOne(db_, sql, token_id);
}

absl::StatusOr<std::vector<TokenRecord>> TokenRepository::List(const std::string& property_id) {
  static const std::string sql =
      std::string(kColumns) + "WHERE ?1 = '' OR property_id = ?1 ORDER BY created_at, token_id";
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id);
  return CollectRows<TokenRecord>(*stmt, ReadToken);
}

absl::StatusOr<bool> TokenRepository::Revoke(const std::string& token_id,
                                             const std::string& property_id, absl::Time at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE tokens SET revoked_at = ?1 WHERE token_id = ?2 AND revoked_at IS NULL "
      "AND (?3 = '' OR property_id = ?3)");
  if (!stmt.ok()) return stmt.status();
  stmt->BindTime(1, at).Bind(2, token_id).Bind(3, property_id);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return db_.Changes() > 0;
}

}  // namespace wa::storage
