#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/idempotency_repository.h"

namespace wa::domain {

// One send made under an idempotency key.
struct IdempotentCall {
  std::string property_id;
  std::string key;
  std::string method;       // the RPC, so one key cannot replay another call's answer
  std::string fingerprint;  // the request's hash, key left out
};

// Idempotency keys: a repeat of a send within the retention time answers
// what the first answered and sends nothing; the same key with another
// request is refused. The key is claimed by a row written in the same
// transaction as the send, so of two identical sends at once only one
// commits; the other finds the row and replays it.
class IdempotencyService {
 public:
  explicit IdempotencyService(storage::Database& db, absl::Duration retention = absl::Hours(24))
      : db_(db), retention_(retention), keys_(db) {}

  // INVALID_ARGUMENT for a malformed key; ALREADY_EXISTS when the key was
  // used for a different request; the first answer (serialized) when this
  // is a repeat; nothing when the key is new.
  absl::StatusOr<std::optional<std::string>> Replay(const IdempotentCall& call);
  // Inside the send's transaction: remembers its answer. Fails with
  // IsKeyTaken() when a concurrent twin claimed the key first, which
  // undoes this send.
  absl::Status RememberInTransaction(const IdempotentCall& call, const std::string& response);
  static bool IsKeyTaken(const absl::Status& status);

 private:
  storage::Database& db_;
  const absl::Duration retention_;
  storage::IdempotencyRepository keys_;
};

// Keys are at most this long, printable ASCII.
inline constexpr size_t kMaxIdempotencyKeyLength = 255;

}  // namespace wa::domain
