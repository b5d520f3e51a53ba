#include "server/domain/idempotency_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/rfc3339.h"

namespace wa::domain {
namespace {

// Expired keys are deleted a few at a time by the sends that add new ones.
constexpr int kPurgePerSend = 16;
constexpr char kKeyTaken[] = "idempotency key claimed by a concurrent request";

absl::Status CheckKey(const std::string& key) {
  if (key.size() > kMaxIdempotencyKeyLength) {
    return InvalidArgument(
        absl::StrCat("idempotency_key is longer than ", kMaxIdempotencyKeyLength, " characters"),
        "idempotency_key");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) {
      return InvalidArgument("idempotency_key must be printable ASCII without spaces",
                             "idempotency_key");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> IdempotencyService::Replay(const IdempotentCall& call) {
  if (absl::Status s = CheckKey(call.key); !s.ok()) return s;
  absl::Time since = absl::Now() - retention_;
  absl::StatusOr<std::optional<storage::IdempotencyRecord>> found =
      storage::ReadValue(db_, [&] { return keys_.Find(call.property_id, call.key, since); });
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  const storage::IdempotencyRecord& r = **found;
  if (r.method != call.method || r.fingerprint != call.fingerprint) {
    return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                 "This idempotency key was already used for a different request")
        .Detail("idempotency_key", call.key)
        .Detail("first_used_at", Rfc3339(r.created_at))
        .Recovery({"Use a new idempotency key for a new request",
                   "Repeat the original request unchanged to get its answer"});
  }
  return r.response;
}

absl::Status IdempotencyService::RememberInTransaction(const IdempotentCall& call,
                                                       const std::string& response) {
  absl::Time now = absl::Now();
  absl::Status s = keys_.Purge(now - retention_, kPurgePerSend);
  if (!s.ok()) return s;
  s = keys_.Insert({call.property_id, call.key, call.method, call.fingerprint, response, now},
                   now - retention_);
  if (s.code() == absl::StatusCode::kAlreadyExists) return absl::AbortedError(kKeyTaken);
  return s;
}

bool IdempotencyService::IsKeyTaken(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted && status.message() == kKeyTaken;
}

}  // namespace wa::domain
