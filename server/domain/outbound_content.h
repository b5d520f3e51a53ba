#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "hotel/whatsapp/v1/content.pb.h"

namespace wa::domain {

// An outbound message's content is stored with it as JSON, so that the
// send queue can hand the provider exactly what was accepted.
std::string EncodeContent(const hotel::whatsapp::v1::OutboundContent& content);
absl::StatusOr<hotel::whatsapp::v1::OutboundContent> DecodeContent(const std::string& json);

}  // namespace wa::domain
