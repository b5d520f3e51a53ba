#include "server/domain/inbound_service.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "server/domain/conversation_service.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/message_events.h"
#include "server/domain/phone.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

absl::StatusOr<InboundResult> InboundService::Record(const std::string& property_id,
                                                     InboundMessage in) {
  // A copy per run: on PostgreSQL a transaction that lost a race runs again.
  return storage::TransactValue(db_, [&] { return RecordInTransaction(property_id, in); });
}

absl::StatusOr<InboundResult> InboundService::RecordInTransaction(const std::string& property_id,
                                                                  InboundMessage in) {
  if (in.guest_phone.empty() && in.guest_user_id.empty()) {
    return InvalidPhoneNumber(in.guest_phone);
  }
  if (in.whatsapp_message_id.empty()) {
    return InvalidArgument("an inbound message needs its WhatsApp id", "whatsapp_message_id");
  }
  absl::StatusOr<std::optional<storage::MessageRecord>> existing =
      messages_.FindByWhatsAppId(in.whatsapp_message_id);
  if (!existing.ok()) return existing.status();
  if (*existing) return InboundResult{**existing, true};
  // The guest's key: linking a phone and a BSUID that arrive together may
  // move a history kept under the BSUID alone to the phone.
  absl::StatusOr<std::string> phone = directory_.Observe(
      property_id, ObservedGuest{in.guest_phone, in.guest_user_id, in.guest_parent_user_id,
                                 in.guest_username, in.profile_name, in.at});
  if (!phone.ok()) return phone.status();
  absl::StatusOr<storage::ConversationRecord> conversation = ConversationForMessage(
      conversations_, property_id, *phone, "", in.new_conversation_id, in.at, in.phone_number_id);
  if (!conversation.ok()) return conversation.status();
  storage::MessageRecord m;
  m.message_id = NewId("msg_");
  m.property_id = property_id;
  m.conversation_id = conversation->conversation_id;
  m.direction = v1::DIRECTION_INBOUND;
  m.message_type = in.message_type;
  m.body = std::move(in.body);
  m.payload = std::move(in.payload);
  m.guest_phone = *phone;
  m.status = v1::MESSAGE_STATUS_RECEIVED;
  m.whatsapp_message_id = in.whatsapp_message_id;
  m.reply_to_message_id = in.reply_to_message_id;
  m.created_at = in.at;
  m.phone_number_id = in.phone_number_id;
  if (absl::Status s = messages_.Insert(m); !s.ok()) return s;
  if (absl::Status s = DescribeGuest(directory_, m); !s.ok()) return s;
  if (absl::Status s = guests_.RecordInbound(property_id, *phone, in.at, in.profile_name);
      !s.ok()) {
    return s;
  }
  if (m.message_type == v1::MESSAGE_TYPE_TEXT) {
    absl::StatusOr<bool> keyword =
        ApplyConsentKeyword(consent_, keywords_, property_id, *phone, m.body, in.at);
    if (!keyword.ok()) return keyword.status();
  }
  if (absl::Status s = EmitInboundEvents(outbox_, m); !s.ok()) return s;
  if (absl::Status s = automation_.Enqueue(property_id, m.message_id, absl::Now()); !s.ok())
    return s;
  if (automation_waker_ != nullptr) {
    db_.AfterCommit([waker = automation_waker_] { waker->Wake(); });
  }
  return InboundResult{std::move(m), false};
}

}  // namespace wa::domain
