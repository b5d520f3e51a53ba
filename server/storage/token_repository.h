#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// Bearer tokens, stored by hash only. Methods run inside the caller's
// Database::Transaction or Database::Read.
class TokenRepository {
 public:
  explicit TokenRepository(Database& db) : db_(db) {}

  absl::Status Insert(const TokenRecord& token);
  absl::StatusOr<std::optional<TokenRecord>> FindByHash(const std::string& hash);
  // All tokens, or those of one property when `property_id` is non-empty.
  absl::StatusOr<std::vector<TokenRecord>> List(const std::string& property_id);
  // Returns false when no such live token exists (in that property, if given).
  absl::StatusOr<bool> Revoke(const std::string& token_id, const std::string& property_id,
                              absl::Time at);
  absl::StatusOr<std::optional<TokenRecord>> Get(const std::string& token_id);

 private:
  Database& db_;
};

}  // namespace wa::storage
