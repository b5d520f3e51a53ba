#pragma once

#include "absl/status/status.h"
#include "server/domain/event_outbox.h"
#include "server/storage/records.h"

namespace wa::domain {

// The webhook events a message change produces, emitted inside the
// caller's transaction (see EventOutbox).

// An outbound message moved from `before` to `after`: one event per status
// it reached (message_sent, message_delivered, message_read, or
// message_failed), in that order, so a jump from sent to read, which Meta
// makes when delivery and reading coincide, still reports `delivered`.
absl::Status EmitStatusEvents(EventOutbox& outbox, const storage::MessageRecord& before,
                              const storage::MessageRecord& after);

// A message that has not reached the provider changed (README, "Scheduled
// sends"), by its status now: scheduled (or moved) -> message_scheduled;
// cancelled -> message_cancelled; expired -> message_failed (its
// failure_reason starts with EXPIRED) and message_expired; failed when
// released -> message_failed.
absl::Status EmitScheduleEvents(EventOutbox& outbox, const storage::MessageRecord& message,
                                absl::Time at);

// A guest's message was stored: inbound_message, plus media_received when
// it carries media (image, document, audio, video, sticker).
absl::Status EmitInboundEvents(EventOutbox& outbox, const storage::MessageRecord& message);

}  // namespace wa::domain
