#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace wa::fakes {

// Checks a POST /{phone_number_id}/messages body against the shapes and
// limits Meta documents (the send endpoint's reference): messaging_product, `to`,
// `type` with its matching object and nothing else, lengths in characters.
// Returns "" when valid, else the error_data.details of Meta's code 100.
// Stricter than Meta about unknown members, so a typo in our payload
// builder fails a test instead of being ignored by a real send.
std::string ValidateSendRequest(const nlohmann::json& body);

// Checks a mark-read body (Meta's "Mark messages as read" and "Typing
// indicators"): {"messaging_product":"whatsapp","status":"read",
// "message_id":"wamid...", optional "typing_indicator":{"type":"text"}},
// nothing else. Returns "" when valid, else Meta's code-100 details.
std::string ValidateReadRequest(const nlohmann::json& body);

// Whether Meta accepts this MIME type (parameters ignored) for media
// upload (Meta's supported media types).
bool IsSupportedUploadType(const std::string& mime);

}  // namespace wa::fakes
