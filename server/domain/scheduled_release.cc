#include "server/domain/scheduled_release.h"

#include "absl/strings/str_cat.h"
#include "server/domain/consent_service.h"
#include "server/domain/errors.h"
#include "server/domain/outbound_content.h"
#include "server/domain/property_clock.h"
#include "server/domain/window_policy.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;
using EndFrom = storage::MessageRepository::EndFrom;

absl::StatusOr<ScheduledRelease::Round> ScheduledRelease::Run(absl::Time now, int limit) {
  Round round;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    round = Round{};  // a transaction that lost a race runs again
    absl::StatusOr<std::vector<storage::MessageRecord>> due = messages_.DueScheduled(now, limit);
    if (!due.ok()) return due.status();
    round.more = static_cast<int>(due->size()) >= limit;
    std::map<std::string, PropertyClock> clocks;  // read once a round
    for (const storage::MessageRecord& m : *due) {
      absl::StatusOr<bool> released = Settle(m, now, clocks);
      if (!released.ok()) return released.status();
      if (*released) ++round.released;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return messages_.NextScheduledAt(); });
  if (!next.ok()) return next.status();
  round.next = *next;
  return round;
}

absl::StatusOr<bool> ScheduledRelease::Settle(const storage::MessageRecord& m, absl::Time now,
                                              std::map<std::string, PropertyClock>& clocks) {
  if (m.valid_until && *m.valid_until <= now) {
    auto ended = statuses_.EndInTransaction(m, EndFrom::kScheduled, v1::MESSAGE_STATUS_EXPIRED, now,
                                            ExpiredReason(*m.valid_until));
    if (!ended.ok()) return ended.status();
    return false;
  }
  if (m.quiet_hours) {
    auto it = clocks.find(m.property_id);
    if (it == clocks.end()) {
      absl::StatusOr<PropertyClock> clock = ReadPropertyClock(properties_, m.property_id);
      if (!clock.ok()) return clock.status();
      it = clocks.emplace(m.property_id, *std::move(clock)).first;
    }
    const PropertyClock& clock = it->second;
    absl::Time after = clock.quiet ? OutsideQuietHours(now, *clock.quiet, clock.zone) : now;
    if (after > now) {
      // Quiet hours set (or moved) since it was scheduled: it waits.
      absl::StatusOr<bool> moved =
          messages_.Reschedule(m.message_id, after, m.relative_to, m.relative_offset);
      if (!moved.ok()) return moved.status();
      return false;
    }
  }
  if (absl::Status check = Recheck(m, now); !check.ok()) {
    // The database's errors undo the round; the contract's fail the message.
    if (!check.GetPayload(kErrorDetailUrl).has_value()) return check;
    v1::ErrorDetail detail = DetailOf(check);
    std::string reason = absl::StrCat(detail.code(), ": ", detail.message());
    auto ended =
        statuses_.EndInTransaction(m, EndFrom::kScheduled, v1::MESSAGE_STATUS_FAILED, now, reason);
    if (!ended.ok()) return ended.status();
    return false;
  }
  return messages_.Release(m.message_id, now);
}

absl::Status ScheduledRelease::Recheck(const storage::MessageRecord& m, absl::Time now) {
  if (auto s = CheckConsent(consent_, m.property_id, m.guest_phone, m.marketing); !s.ok()) {
    return s;
  }
  if (m.message_type == v1::MESSAGE_TYPE_TEMPLATE) return CheckTemplate(m);
  absl::StatusOr<std::optional<storage::GuestRecord>> guest =
      guests_.Get(m.property_id, m.guest_phone);
  if (!guest.ok()) return guest.status();
  std::optional<absl::Time> last = *guest ? (*guest)->last_inbound_at : std::nullopt;
  if (EvaluateWindow(last, now).within_window) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "MESSAGE_WINDOW_EXPIRED",
               "the guest's 24-hour window closed before the message was released; send an "
               "approved template instead");
}

absl::Status ScheduledRelease::CheckTemplate(const storage::MessageRecord& m) {
  absl::StatusOr<v1::OutboundContent> content = DecodeContent(m.payload);
  if (!content.ok()) {
    return Error(absl::StatusCode::kInternal, "INTERNAL", "the stored template send is unreadable");
  }
  const std::string& name = content->template_().name();
  const std::string& language = content->template_().language();
  absl::StatusOr<std::optional<storage::TemplateRecord>> found =
      templates_.Get(m.property_id, name, language);
  if (!found.ok()) return found.status();
  if (*found && (*found)->definition.status() == v1::TEMPLATE_STATUS_APPROVED) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kNotFound, "TEMPLATE_NOT_FOUND",
               absl::StrCat("template ", name, " (", language,
                            ") is no longer approved at the message's release"));
}

}  // namespace wa::domain
