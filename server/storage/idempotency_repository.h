#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// A remembered answer to a send made under an idempotency key.
struct IdempotencyRecord {
  std::string property_id;
  std::string key;
  std::string method;       // the RPC's name
  std::string fingerprint;  // a hash of the request, key left out
  std::string response;     // the serialized answer
  absl::Time created_at;
};

class IdempotencyRepository {
 public:
  explicit IdempotencyRepository(Database& db) : db_(db) {}

  // The key's record if it was written at or after `since`.
  absl::StatusOr<std::optional<IdempotencyRecord>> Find(const std::string& property_id,
                                                        const std::string& key, absl::Time since);
  // Writes the record over an expired one of the same key; fails with
  // ALREADY_EXISTS if a live one holds the key.
  absl::Status Insert(const IdempotencyRecord& record, absl::Time expired_before);
  // Deletes up to `limit` records older than `before`.
  absl::Status Purge(absl::Time before, int limit);

 private:
  Database& db_;
};

}  // namespace wa::storage
