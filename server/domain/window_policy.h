#pragma once

#include <optional>

#include "absl/time/time.h"

namespace wa::domain {

// WhatsApp's customer service window: free-form messages may be sent for
// 24 hours after the guest's last inbound message. Our own messages never
// open or extend it.
inline constexpr absl::Duration kServiceWindow = absl::Hours(24);

struct WindowState {
  bool within_window = false;
  std::optional<absl::Time> last_guest_message_at;
  std::optional<absl::Time> expires_at;
  double hours_remaining = 0;
};

WindowState EvaluateWindow(std::optional<absl::Time> last_guest_message_at, absl::Time now);

}  // namespace wa::domain
