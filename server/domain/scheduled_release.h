#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/send_timing.h"
#include "server/domain/status_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/consent_repository.h"
#include "server/storage/database.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/property_repository.h"
#include "server/storage/template_repository.h"

namespace wa::domain {

// Releases scheduled messages whose time has come to the send queue, which
// then keeps their number's pace. At release the send's checks run again
// (consent, the 24-hour window for free-form messages, the template's
// approval); a message that can no longer go is failed with the contract's
// code, one past its valid_until is expired, and one that would go in its
// property's quiet hours waits until they end. Every change is one
// conditional update (MessageRepository), so two instances on one database
// never release a message twice, and a cancel racing a release has one
// outcome.
class ScheduledRelease {
 public:
  struct Round {
    int released = 0;                // now queued: wake the send queue
    bool more = false;               // the round was full: run again at once
    std::optional<absl::Time> next;  // the next scheduled_for, if any
  };

  // `event_waker` wakes what follows events (EventWaker).
  ScheduledRelease(storage::Database& db, EventWaker* event_waker)
      : db_(db),
        messages_(db),
        consent_(db),
        guests_(db),
        templates_(db),
        properties_(db),
        statuses_(db, event_waker) {}

  // One round of at most `limit` due messages, in one transaction.
  absl::StatusOr<Round> Run(absl::Time now, int limit);

 private:
  // What becomes of one due message; true when released.
  absl::StatusOr<bool> Settle(const storage::MessageRecord& m, absl::Time now,
                              std::map<std::string, PropertyClock>& clocks);
  // The send's checks as they stand at release.
  absl::Status Recheck(const storage::MessageRecord& m, absl::Time now);
  absl::Status CheckTemplate(const storage::MessageRecord& m);

  storage::Database& db_;
  storage::MessageRepository messages_;
  storage::ConsentRepository consent_;
  storage::GuestRepository guests_;
  storage::TemplateRepository templates_;
  storage::PropertyRepository properties_;
  StatusService statuses_;
};

}  // namespace wa::domain
