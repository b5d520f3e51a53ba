#include "server/domain/schedule_follow.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/domain/message_events.h"
#include "server/domain/property_clock.h"
#include "server/domain/send_timing.h"
#include "server/domain/status_service.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/message_repository.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// Where a message following `metadata` goes now, or why it cannot.
absl::StatusOr<absl::Time> FollowedTime(const storage::MessageRecord& m,
                                        const std::map<std::string, std::string>& metadata,
                                        storage::PropertyRepository& properties, absl::Time now) {
  absl::StatusOr<absl::Time> at = RelativeTime(m.relative_to, m.relative_offset, metadata);
  if (!at.ok()) return at.status();
  at = std::max(*at, now);
  if (*at > now + kMaxScheduleAhead) {
    return absl::InvalidArgumentError("the new time is more than 90 days ahead");
  }
  if (!m.quiet_hours) return at;
  absl::StatusOr<PropertyClock> clock = ReadPropertyClock(properties, m.property_id);
  if (!clock.ok()) return clock.status();
  return clock->quiet ? OutsideQuietHours(*at, *clock->quiet, clock->zone) : *at;
}

}  // namespace

absl::Status PatchMetadataInTransaction(storage::Database& db, const std::string& conversation_id,
                                        const std::map<std::string, std::string>& set,
                                        const std::vector<std::string>& remove, absl::Time now,
                                        EventWaker* event_waker) {
  storage::ConversationRepository conversations(db);
  storage::MessageRepository messages(db);
  if (absl::Status s = conversations.PatchMetadata(conversation_id, set, remove); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<storage::MessageRecord>> following =
      messages.ScheduledRelative(conversation_id);
  if (!following.ok()) return following.status();
  if (following->empty()) return absl::OkStatus();
  absl::StatusOr<std::optional<storage::ConversationRecord>> conversation =
      conversations.Find(conversation_id);
  if (!conversation.ok()) return conversation.status();
  const std::map<std::string, std::string> metadata =
      *conversation ? (*conversation)->metadata : std::map<std::string, std::string>();
  storage::PropertyRepository properties(db);
  StatusService statuses(db, event_waker);
  EventOutbox outbox(db, event_waker);
  for (storage::MessageRecord& m : *following) {
    absl::StatusOr<absl::Time> at = FollowedTime(m, metadata, properties, now);
    if (!at.ok() && !absl::IsInvalidArgument(at.status())) return at.status();
    if (!at.ok()) {
      std::string reason = absl::StrCat("CANCELLED: its send_at followed metadata.", m.relative_to,
                                        ": ", at.status().message());
      auto ended = statuses.EndInTransaction(m, storage::MessageRepository::EndFrom::kScheduled,
                                             v1::MESSAGE_STATUS_CANCELLED, now, reason);
      if (!ended.ok()) return ended.status();
      continue;
    }
    if (m.scheduled_for == *at) continue;
    absl::StatusOr<bool> moved =
        messages.Reschedule(m.message_id, *at, m.relative_to, m.relative_offset);
    if (!moved.ok()) return moved.status();
    if (!*moved) continue;
    m.scheduled_for = *at;
    if (absl::Status s = EmitScheduleEvents(outbox, m, now); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace wa::domain
