#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/consent_service.h"
#include "server/domain/event_outbox.h"
#include "server/domain/guest_directory.h"
#include "server/domain/wake_ups.h"
#include "server/storage/automation_repository.h"
#include "server/storage/consent_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"

namespace wa::domain {

// A guest's message as WhatsApp delivered it (from Meta or the sandbox).
struct InboundMessage {
  // Who wrote: a phone (E.164 or wa_id digits), a BSUID, or both; Meta
  // withholds the phone of some guests with a username.
  std::string guest_phone;
  std::string guest_user_id;
  std::string guest_parent_user_id;
  std::string guest_username;
  std::string profile_name;
  std::string whatsapp_message_id;
  std::string reply_to_message_id;  // context.id
  hotel::whatsapp::v1::MessageType message_type = hotel::whatsapp::v1::MESSAGE_TYPE_TEXT;
  std::string body;
  std::string payload;
  absl::Time at;
  // The property's number the guest wrote to (empty in the sandbox).
  std::string phone_number_id;
  // Sandbox fixtures only: the id for a conversation this message opens.
  std::string new_conversation_id;
};

struct InboundResult {
  storage::MessageRecord message;
  bool duplicate = false;  // already stored: Meta retried the callback
};

// Records inbound messages: stored in the guest's conversation (opening
// one if needed), the 24-hour window opened or refreshed from the
// message's own time, and a STOP or START keyword applied to the guest's
// consent, its webhook events emitted, and the message queued for the
// property's automation rules (AutomationEngine, run after the commit so
// that no failure of theirs can undo the message), all in one transaction.
class InboundService {
 public:
  // `event_waker` wakes what follows events (EventWaker).
  InboundService(storage::Database& db, ConsentKeywords keywords, EventWaker* event_waker = nullptr)
      : db_(db),
        keywords_(std::move(keywords)),
        conversations_(db),
        messages_(db),
        guests_(db),
        consent_(db),
        directory_(db),
        automation_(db),
        outbox_(db, event_waker) {}

  // Wakes the automation worker after a commit that queued a message for
  // its rules.
  void set_automation(AutomationWaker* waker) { automation_waker_ = waker; }

  absl::StatusOr<InboundResult> Record(const std::string& property_id, InboundMessage inbound);
  // The same, inside a transaction the caller holds.
  absl::StatusOr<InboundResult> RecordInTransaction(const std::string& property_id,
                                                    InboundMessage inbound);

 private:
  storage::Database& db_;
  ConsentKeywords keywords_;
  storage::ConversationRepository conversations_;
  storage::MessageRepository messages_;
  storage::GuestRepository guests_;
  storage::ConsentRepository consent_;
  GuestDirectory directory_;
  storage::AutomationRepository automation_;
  AutomationWaker* automation_waker_ = nullptr;
  EventOutbox outbox_;
};

}  // namespace wa::domain
