#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "hotel/whatsapp/v1/content.pb.h"
#include "nlohmann/json.hpp"
#include "server/provider/provider.h"

namespace wa::provider {

// Meta's request body for POST /{version}/{phone-number-id}/messages:
//   {"messaging_product":"whatsapp","recipient_type":"individual",
//    "to":"<E.164 digits, no '+'>","type":"<kind>","<kind>":{...},
//    "biz_opaque_callback_data":"<our message_id>",      // echoed in statuses
//    "context":{"message_id":"<wamid>"}}                  // when replying
// Optional fields that are empty are left out rather than sent as "".
//
// Fails with kInvalidArgument when the content cannot be expressed on the
// wire (no kind, an unspecified media type, media with neither id nor link,
// an unknown template button sub_type); the API layer validates limits
// before a message is queued, so this only guards against programming
// errors.
absl::StatusOr<nlohmann::json> BuildMessagePayload(const OutboundMessage& message);

// The body of POST /{phone_number_id}/messages that marks a guest's message
// read, with Meta's typing indicator when `typing`:
// {"messaging_product":"whatsapp","status":"read","message_id":"<wamid>",
//  "typing_indicator":{"type":"text"}}.
nlohmann::json BuildReadPayload(const std::string& wamid, bool typing);

// The "type" value Meta expects for the content ("text", "template", "image",
// ..., "interactive"), or "" when the content has no kind.
std::string MetaMessageType(const hotel::whatsapp::v1::OutboundContent& content);

}  // namespace wa::provider
