#include "server/domain/status_service.h"

namespace wa::domain {

absl::StatusOr<std::optional<storage::MessageRecord>> StatusService::ApplyInTransaction(
    const StatusUpdate& update) {
  absl::StatusOr<std::optional<storage::MessageRecord>> found =
      messages_.FindByWhatsAppId(update.whatsapp_message_id);
  if (found.ok() && !*found && !update.message_id.empty()) {
    // Meta echoes our id: the callback can settle a send whose acceptance
    // we have not recorded (yet, or ever, if we crashed during the call).
    found = messages_.Get(update.message_id);
    if (found.ok() && *found && !(*found)->whatsapp_message_id.empty()) return std::nullopt;
    if (found.ok() && *found) (*found)->whatsapp_message_id = update.whatsapp_message_id;
  }
  if (!found.ok() || !*found) return found;
  storage::MessageRecord& message = **found;
  if (!ApplyStatus(message, update)) return std::nullopt;
  if (absl::Status s = messages_.UpdateStatus(message); !s.ok()) return s;
  return found;
}

}  // namespace wa::domain
