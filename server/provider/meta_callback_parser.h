#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::provider {

// Plain values read from one Meta webhook notification. Nothing here is
// stored or acted on: the caller decides (dedupe by wamid, monotonic
// statuses, opening the window), so the parser stays a pure function.

// An error object as Meta nests it in statuses[].errors[], messages[].errors[]
// and value.errors[].
struct MetaError {
  std::string phone_number_id;
  int64_t code = 0;
  std::string title;    // `title`, or `message` when there is no title
  std::string details;  // error_data.details
};

// One guest message from value.messages[].
struct MetaInbound {
  std::string phone_number_id;
  std::string display_phone_number;
  std::string from;          // the guest's wa_id: digits, no '+'
  std::string profile_name;  // contacts[].profile.name of the contact with this wa_id
  std::string user_id;       // contacts[].user_id (BSUID) when Meta sends one
  std::string wamid;
  absl::Time timestamp;
  hotel::whatsapp::v1::MessageType type = hotel::whatsapp::v1::MESSAGE_TYPE_UNSPECIFIED;
  std::string meta_type;  // Meta's own `type`, kept because UNSUPPORTED covers several
  // Human-readable text: text.body; the media caption; the reply's title;
  // the template button's label; the reaction emoji; the location's name
  // and address (or "lat,long"); the contacts' names; a system message's body.
  std::string body;
  // The message object as compact JSON, for every type but text, so rich
  // content survives without a field for each of Meta's variants.
  std::string payload;
  std::string context_wamid;  // context.id: the message this one replies to
  // Media (image, document, audio, video, sticker).
  std::string media_id;
  std::string mime_type;
  std::string sha256;
  std::string filename;  // document only
  // The id chosen by the guest: button_reply.id, list_reply.id, or the
  // template quick-reply button.payload.
  std::string reply_id;
  std::string reacted_wamid;      // reaction.message_id
  std::string new_wa_id;          // system "user_changed_number": the guest's new wa_id
  std::vector<MetaError> errors;  // e.g. 131051 on unsupported messages
};

// One status of a message we sent, from value.statuses[].
struct MetaStatus {
  std::string phone_number_id;
  std::string wamid;
  // SENT, DELIVERED, READ or FAILED. Meta's `played` (a voice message was
  // played) is reported as READ: playing implies the guest opened it, and
  // our status machine has no separate step for it.
  hotel::whatsapp::v1::MessageStatus status = hotel::whatsapp::v1::MESSAGE_STATUS_UNSPECIFIED;
  std::string meta_status;  // Meta's own word ("played" stays visible here)
  absl::Time timestamp;
  std::string recipient_id;
  std::string biz_opaque_callback_data;
  int64_t error_code = 0;  // from errors[0]; 0 when there is none
  std::string error_title;
  std::string error_details;
  std::string pricing_category;  // pricing.category, empty when absent
};

// A guest's marketing preference change, from field `user_preferences`.
struct MetaPreference {
  std::string phone_number_id;
  std::string wa_id;
  std::string category;  // "marketing_messages"
  std::string value;     // "stop" or "resume" (other words passed through)
  absl::Time timestamp;
};

// A template review outcome, from field `message_template_status_update`.
struct MetaTemplateStatus {
  std::string waba_id;  // entry[].id
  std::string event;    // APPROVED, REJECTED, PAUSED, DISABLED, ...
  std::string template_id;
  std::string name;
  std::string language;
  std::string reason;  // empty when Meta sends none or null
  std::string category;
};

// A number's quality or limit change, from field `phone_number_quality_update`
// (it names the number by its display digits, not its id).
struct MetaQualityUpdate {
  std::string waba_id;               // entry[].id
  std::string display_phone_number;  // digits
  std::string event;                 // FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, ...
  std::string current_limit;         // TIER_1K, ... (or max_daily_conversations_per_business)
};

struct MetaNotification {
  std::vector<MetaInbound> messages;
  std::vector<MetaStatus> statuses;
  std::vector<MetaPreference> preferences;
  std::vector<MetaTemplateStatus> template_statuses;
  std::vector<MetaQualityUpdate> quality_updates;
  std::vector<MetaError> errors;  // value.errors[]: problems not tied to one message
  // Items (entries, changes, messages, statuses, ...) dropped as malformed,
  // each with a reason such as "entry[0].changes[1].value.statuses[2]: no id".
  int skipped = 0;
  std::vector<std::string> skip_reasons;
  // Changes with a field this service does not consume (e.g.
  // message_template_quality_update); not an error.
  int ignored_changes = 0;
};

// Parses one raw webhook POST body. Fails with INVALID_ARGUMENT only when
// the body is not JSON, is not a whatsapp_business_account notification or
// has no `entry` array; a malformed item inside is skipped and counted so
// that one bad item does not make Meta redeliver the good ones for days.
absl::StatusOr<MetaNotification> ParseMetaNotification(absl::string_view raw_body);

}  // namespace wa::provider
