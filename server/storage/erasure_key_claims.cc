#include "server/storage/erasure_key_claims.h"

#include "server/storage/statements.h"

namespace wa::storage {

absl::StatusOr<std::string> ErasureKeyClaims::Claim(const std::string& property_id,
                                                    const std::string& fingerprint) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "INSERT INTO erasure_key_fingerprints (property_id, fingerprint) "
                          "VALUES (?, ?) ON CONFLICT (property_id) DO NOTHING",
                          property_id, fingerprint));
  ASSIGN_OR_RETURN(
      std::optional<std::string> recorded,
      QueryOne<std::string>(
          db_, "SELECT fingerprint FROM erasure_key_fingerprints WHERE property_id = ?",
          [](const Statement& row) { return row.ColumnText(0); }, property_id));
  if (!recorded) return absl::InternalError("erasure key fingerprint vanished");
  return *recorded;
}

}  // namespace wa::storage
