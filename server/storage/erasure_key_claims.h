#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"

namespace wa::storage {

// The fingerprint of each property's erasure key (erasure_keys.h), kept in
// the database: the first instance to use a key records it, and any other
// instance reads it back. Methods run inside the caller's
// Database::Transaction or Database::Autocommit.
class ErasureKeyClaims {
 public:
  explicit ErasureKeyClaims(Database& db) : db_(db) {}

  // Records `fingerprint` as the property's unless one is recorded already;
  // returns the one recorded.
  absl::StatusOr<std::string> Claim(const std::string& property_id, const std::string& fingerprint);

 private:
  Database& db_;
};

}  // namespace wa::storage
