#pragma once

#include "absl/status/status.h"
#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::domain {

// WhatsApp's limits on reply-button and list messages (Meta's Cloud API
// reference, interactive messages). Lengths count characters, not bytes.
struct InteractiveLimits {
  static constexpr size_t kBody = 1024;  // lists allow 4096 per one source; 1024 is safe for both
  static constexpr size_t kHeader = 60;
  static constexpr size_t kFooter = 60;
  static constexpr int kMaxButtons = 3;
  static constexpr size_t kButtonTitle = 20;
  static constexpr size_t kButtonId = 256;
  static constexpr size_t kListButtonText = 20;
  static constexpr int kMaxSections = 10;
  static constexpr size_t kSectionTitle = 24;
  static constexpr int kMaxRows = 10;  // across all sections
  static constexpr size_t kRowId = 200;
  static constexpr size_t kRowTitle = 24;
  static constexpr size_t kRowDescription = 72;
};

// Checks an interactive message against WhatsApp's limits before it is
// queued, so that Meta never refuses it for its shape. The first violation
// is an INVALID_ARGUMENT whose `field` detail is the request's field path
// ("content.buttons[1].title").
absl::Status ValidateInteractive(hotel::whatsapp::v1::InteractiveType type,
                                 const hotel::whatsapp::v1::InteractiveContent& content);

}  // namespace wa::domain
