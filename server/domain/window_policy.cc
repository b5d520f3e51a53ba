#include "server/domain/window_policy.h"

#include <algorithm>

namespace wa::domain {

WindowState EvaluateWindow(std::optional<absl::Time> last_guest_message_at, absl::Time now) {
  WindowState state;
  state.last_guest_message_at = last_guest_message_at;
  if (!last_guest_message_at) return state;
  state.expires_at = *last_guest_message_at + kServiceWindow;
  state.within_window = now < *state.expires_at;
  state.hours_remaining = std::max(0.0, absl::ToDoubleHours(*state.expires_at - now));
  return state;
}

}  // namespace wa::domain
