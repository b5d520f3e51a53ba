#pragma once

#include <string>

#include "absl/status/status.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/domain/event_outbox.h"
#include "server/storage/batch_repository.h"
#include "server/storage/records.h"

namespace wa::domain {

// The webhook events of a conversation's, a template's and a batch's life,
// emitted inside the caller's transaction (see EventOutbox), as
// message_events.h does for messages.

// conversation_resolved: the resolution, ordered with the conversation's
// message events.
absl::Status EmitConversationResolved(EventOutbox& outbox,
                                      const storage::ConversationRecord& conversation);

// conversation_assigned: its assignee or department changed.
absl::Status EmitConversationAssigned(EventOutbox& outbox,
                                      const storage::ConversationRecord& conversation);

// template_status_changed: from `previous` (UNSPECIFIED for a new
// submission) to the template's status.
absl::Status EmitTemplateStatusChanged(EventOutbox& outbox, const std::string& property_id,
                                       const hotel::whatsapp::v1::Template& after,
                                       hotel::whatsapp::v1::TemplateStatus previous);

// batch_completed: the batch has no item left to release.
// A guest erased on request: only the keyed hash that now stands for them,
// never a phone, BSUID or name.
absl::Status EmitGuestErased(EventOutbox& outbox, const std::string& property_id,
                             const std::string& guest_hash, absl::Time erased_at, int64_t messages,
                             int64_t conversations);
absl::Status EmitBatchCompleted(EventOutbox& outbox, const storage::BatchRecord& batch);

}  // namespace wa::domain
