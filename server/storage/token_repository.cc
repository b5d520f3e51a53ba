#include "server/storage/token_repository.h"

#include "server/storage/statements.h"

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

}  // namespace

absl::Status TokenRepository::Insert(const TokenRecord& token) {
  return ExecOne(db_,
                 "INSERT INTO tokens (token_id, name, role, property_id, hash, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 token.token_id, token.name, token.role, token.property_id, token.hash,
                 token.created_at);
}

absl::StatusOr<std::optional<TokenRecord>> TokenRepository::FindByHash(const std::string& hash) {
  static const std::string sql = std::string(kColumns) + "WHERE hash = ?";
  return QueryOne<TokenRecord>(db_, sql, ReadToken, hash);
}

absl::StatusOr<std::optional<TokenRecord>> TokenRepository::Get(const std::string& token_id) {
  static const std::string sql = std::string(kColumns) + "WHERE token_id = ?";
  return QueryOne<TokenRecord>(db_, sql, ReadToken, token_id);
}

absl::StatusOr<std::vector<TokenRecord>> TokenRepository::List(const std::string& property_id) {
  static const std::string sql =
      std::string(kColumns) + "WHERE ?1 = '' OR property_id = ?1 ORDER BY created_at, token_id";
  return QueryAll<TokenRecord>(db_, sql, ReadToken, property_id);
}

absl::StatusOr<bool> TokenRepository::Revoke(const std::string& token_id,
                                             const std::string& property_id, absl::Time at) {
  ASSIGN_OR_RETURN(int64_t changed,
                   ExecCount(db_,
                             "UPDATE tokens SET revoked_at = ?1 WHERE token_id = ?2 AND "
                             "revoked_at IS NULL AND (?3 = '' OR property_id = ?3)",
                             at, token_id, property_id));
  return changed > 0;
}

}  // namespace wa::storage
