#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "hotel/whatsapp/v1/common.pb.h"

// Plain rows as the storage layer reads and writes them. The closed
// vocabularies are the proto enums, the contract's single source of truth.
namespace wa::storage {

namespace v1 = ::hotel::whatsapp::v1;

struct TokenRecord {
  std::string token_id;
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string property_id;
  std::string hash;
  absl::Time created_at;
  std::optional<absl::Time> revoked_at;
};

struct GuestRecord {
  std::string property_id;
  std::string guest_phone;
  std::string profile_name;
  std::optional<absl::Time> last_inbound_at;
};

struct ConversationRecord {
  std::string conversation_id;
  std::string property_id;
  std::string guest_phone;
  // The guest's WhatsApp ids beside the key (guest_identities), filled when
  // read; not columns of their own.
  std::string guest_user_id;
  std::string guest_username;
  v1::ConversationStatus status = v1::CONVERSATION_STATUS_ACTIVE;
  std::map<std::string, std::string> metadata;
  absl::Time created_at;
  absl::Time updated_at;
  std::optional<absl::Time> resolved_at;
  std::string resolved_by;
  std::string resolution_notes;
  int satisfaction_rating = 0;
  bool follow_up_required = false;
  int64_t message_count = 0;  // counted on reads that show it, else 0
  std::string assigned_to;
  std::string department;
  // The property's number the conversation was opened on (the one the guest
  // wrote to, or the one the first send went from); empty in the sandbox.
  std::string phone_number_id;
};

struct MessageRecord {
  std::string message_id;
  std::string property_id;
  std::string conversation_id;
  int64_t seq = 0;
  v1::Direction direction = v1::DIRECTION_OUTBOUND;
  v1::MessageType message_type = v1::MESSAGE_TYPE_TEXT;
  // The human-readable text (message body, caption, interactive body).
  std::string body;
  // Kind-specific content as JSON (template parameters, media, buttons...).
  std::string payload;
  std::string guest_phone;
  // The guest's WhatsApp ids beside the key (guest_identities), filled when
  // read; not columns of their own.
  std::string guest_user_id;
  std::string guest_username;
  v1::MessageStatus status = v1::MESSAGE_STATUS_QUEUED;
  std::string staff_member_id;
  std::string whatsapp_message_id;
  std::string reply_to_message_id;
  absl::Time created_at;
  std::optional<absl::Time> sent_at;
  std::optional<absl::Time> delivered_at;
  std::optional<absl::Time> read_at;
  std::optional<absl::Time> failed_at;
  int failure_code = 0;
  std::string failure_reason;
  int attempts = 0;
  // Set while the message waits for the send queue.
  std::optional<absl::Time> next_attempt_at;
  // The property's number it went out from (outbound) or came in on
  // (inbound); empty in the sandbox without numbers.
  std::string phone_number_id;
  // When a scheduled message is to be released (kept once it is).
  std::optional<absl::Time> scheduled_for;
  // Not handed to the provider by then: expired, never sent.
  std::optional<absl::Time> valid_until;
  // Waits out the property's quiet hours when released.
  bool quiet_hours = false;
  // A MARKETING template (consent for marketing is checked again at release).
  bool marketing = false;
  // A send_at relative to a conversation metadata time ("checkin_at"), and
  // its offset; empty when send_at was absolute.
  std::string relative_to;
  absl::Duration relative_offset;
  // In a call to the provider (or was, when the process died): a queued
  // message that can no longer be cancelled.
  bool claimed = false;
};

// A provider status that the sandbox delivers later, as Meta would.
struct ScheduledStatus {
  int64_t id = 0;
  std::string whatsapp_message_id;
  v1::MessageStatus status = v1::MESSAGE_STATUS_UNSPECIFIED;
  int failure_code = 0;
  std::string failure_reason;
  absl::Time due_at;
};

}  // namespace wa::storage
