#include "server/storage/backend.h"

#include "absl/strings/cord.h"

namespace wa::storage {
namespace {

thread_local Connection* current = nullptr;

constexpr char kConflictPayload[] = "wa.storage/conflict";

}  // namespace

absl::Status ConflictError(absl::string_view message) {
  absl::Status status = absl::AbortedError(message);
  status.SetPayload(kConflictPayload, absl::Cord("1"));
  return status;
}

bool IsConflict(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted &&
         status.GetPayload(kConflictPayload).has_value();
}

Connection* CurrentConnection() { return current; }

UseConnection::UseConnection(Connection* connection) : saved_(current) { current = connection; }

UseConnection::~UseConnection() { current = saved_; }

}  // namespace wa::storage
