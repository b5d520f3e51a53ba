#include "server/domain/read_receipts.h"

#include <optional>

namespace wa::domain {

absl::StatusOr<ReadReceipt> ReadReceipts::MarkRead(const std::string& property_id,
                                                   const std::string& conversation_id,
                                                   bool typing) {
  absl::StatusOr<storage::MessageRecord> message =
      conversations_.LatestGuestMessage(property_id, conversation_id);
  if (!message.ok()) return message.status();
  // The number the guest wrote to, while it is still the property's.
  absl::StatusOr<std::optional<SenderNumber>> number =
      properties_.ChooseSender(property_id, "", message->phone_number_id);
  if (!number.ok()) return number.status();
  SenderNumber fallback;
  fallback.property_id = property_id;
  const SenderNumber from = number->value_or(fallback);
  if (absl::Status s = marker_.MarkRead(from, message->whatsapp_message_id, typing); !s.ok()) {
    return s;
  }
  return ReadReceipt{conversation_id, message->message_id, message->whatsapp_message_id,
                     from.phone_number_id, typing};
}

}  // namespace wa::domain
