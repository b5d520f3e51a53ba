#include "server/domain/status_machine.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

int Rank(v1::MessageStatus status) {
  switch (status) {
    case v1::MESSAGE_STATUS_QUEUED:
      return 1;
    case v1::MESSAGE_STATUS_SENT:
      return 2;
    case v1::MESSAGE_STATUS_DELIVERED:
      return 3;
    case v1::MESSAGE_STATUS_READ:
      return 4;
    default:
      return 0;
  }
}

void FillIfEmpty(std::optional<absl::Time>& field, absl::Time at) {
  if (!field) field = at;
}

}  // namespace

bool IsFinal(v1::MessageStatus status) {
  return status == v1::MESSAGE_STATUS_FAILED || status == v1::MESSAGE_STATUS_CANCELLED ||
         status == v1::MESSAGE_STATUS_EXPIRED;
}

bool ApplyStatus(storage::MessageRecord& m, const StatusUpdate& update) {
  if (m.direction != v1::DIRECTION_OUTBOUND || IsFinal(m.status) ||
      m.status == v1::MESSAGE_STATUS_SCHEDULED) {
    return false;
  }
  if (update.status == v1::MESSAGE_STATUS_FAILED) {
    if (m.status == v1::MESSAGE_STATUS_READ) return false;
    m.status = v1::MESSAGE_STATUS_FAILED;
    m.failed_at = update.at;
    m.failure_code = update.failure_code;
    m.failure_reason = update.failure_reason;
    m.next_attempt_at.reset();
    return true;
  }
  int rank = Rank(update.status);
  if (rank <= 1 || rank <= Rank(m.status)) return false;
  m.status = update.status;
  m.next_attempt_at.reset();
  FillIfEmpty(m.sent_at, update.at);
  if (rank >= 3) FillIfEmpty(m.delivered_at, update.at);
  if (rank >= 4) FillIfEmpty(m.read_at, update.at);
  return true;
}

}  // namespace wa::domain
