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
// and value.errors[]. (Not meta_errors.h's MetaError, the Graph API answer's
// envelope: one name for two types in one namespace broke the one-definition
// rule, and ASan caught one's constructor building the other.)
struct MetaCallbackError {
  std::string phone_number_id;
  int64_t code = 0;
  std::string title;    // `title`, or `message` when there is no title
  std::string details;  // error_data.details
};

// One guest message from value.messages[].
struct MetaInbound {
  std::string phone_number_id;
  std::string display_phone_number;
  // The guest's wa_id: digits, no '+'; empty when Meta withholds the phone
  // of a guest with a username (then user_id names them).
  std::string from;
  std::string profile_name;    // contacts[].profile.name of the contact who wrote
  std::string user_id;         // from_user_id, else contacts[].user_id (BSUID)
  std::string parent_user_id;  // contacts[].parent_user_id
  std::string username;        // contacts[].profile.username
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
  std::string reacted_wamid;  // reaction.message_id
  // A system message (Meta's "system" type): the guest changed phone
  // number ("user_changed_number": the new wa_id) or was given a new BSUID
  // ("user_changed_user_id": the new id, when Meta names it).
  std::string new_wa_id;
  std::string new_user_id;
  std::vector<MetaCallbackError> errors;  // e.g. 131051 on unsupported messages
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
  std::string recipient_id;       // wa_id; absent for a send to a BSUID
  std::string recipient_user_id;  // the BSUID; absent on some failures
  // From the change's contacts[] entry for the recipient, when Meta sends
  // one: a status for a send by phone may reveal the guest's BSUID.
  std::string recipient_username;
  std::string biz_opaque_callback_data;
  int64_t error_code = 0;  // from errors[0]; 0 when there is none
  std::string error_title;
  std::string error_details;
  std::string pricing_category;  // pricing.category, empty when absent
};

// A guest's marketing preference change, from field `user_preferences`.
struct MetaPreference {
  std::string phone_number_id;
  std::string wa_id;     // empty when only the BSUID is given
  std::string user_id;   // BSUID
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

// Meta issued a guest a new BSUID (field `user_id_update`), which it does
// when the guest changes phone number.
struct MetaUserIdChange {
  std::string phone_number_id;
  std::string wa_id;  // the guest's phone when Meta shares it
  std::string previous_user_id;
  std::string current_user_id;
  absl::Time timestamp;
};

// Something Meta sent that this parser could not read or does not know: an
// item without what it needs, or a change of an unknown field. Kept in
// Meta's words, never acknowledged and forgotten.
struct MetaUnparsed {
  std::string field;   // "messages", "statuses", "user_preferences", a change's field, ...
  std::string where;   // "entry[0].changes[1].value.messages[2]"
  std::string reason;  // why it was not applied
  std::string json;    // the item as Meta sent it
};

struct MetaNotification {
  std::vector<MetaInbound> messages;
  std::vector<MetaStatus> statuses;
  std::vector<MetaPreference> preferences;
  std::vector<MetaTemplateStatus> template_statuses;
  std::vector<MetaQualityUpdate> quality_updates;
  std::vector<MetaUserIdChange> user_id_changes;
  std::vector<MetaCallbackError> errors;  // value.errors[]: problems not tied to one message
  // Every skipped item and ignored change, kept (see MetaUnparsed).
  std::vector<MetaUnparsed> unparsed;
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
