#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/event_outbox.h"
#include "server/domain/guest_directory.h"
#include "server/domain/wake_ups.h"
#include "server/domain/window_policy.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"

namespace wa::domain {

struct ConversationView {
  storage::ConversationRecord conversation;
  std::vector<storage::MessageRecord> messages;
  std::vector<std::string> staff_participants;
  std::string guest_profile_name;
  std::optional<absl::Time> last_guest_message_at;
};

// Conversations as GetConversation shows them (participants and the
// guest's last message time), without their messages.
struct ConversationPage {
  std::vector<ConversationView> conversations;
  std::string next_page_token;
};

struct ConversationQuery {
  std::string guest_phone;  // any format NormalizePhone accepts; empty: all guests
  hotel::whatsapp::v1::ConversationStatus status =
      hotel::whatsapp::v1::CONVERSATION_STATUS_UNSPECIFIED;
  int page_size = 0;  // 0: default
  std::string page_token;
  std::string assigned_to;
  std::string department;
  std::optional<absl::Time> updated_after;
  std::optional<absl::Time> updated_before;
  // Instead of guest_phone: the guest's BSUID.
  std::string guest_user_id;
};

struct ResolveRequest {
  std::string conversation_id;
  std::string notes;
  int satisfaction_rating = 0;  // 1-5; 0: not rated
  bool follow_up_required = false;
  std::string resolved_by;  // the staff member; the caller's token when empty
};

struct WindowView {
  storage::ConversationRecord conversation;
  WindowState window;
};

// Conversations, always scoped to the caller's property: another
// property's conversation is reported as not found. Reads here; changes
// (resolve, assign, metadata) in conversation_updates.cc.
class ConversationService {
 public:
  // Resolving and assigning emit the hotel's conversation_resolved and
  // conversation_assigned events in their transaction; `event_waker` is
  // woken after (EventWaker), as after a metadata change that moved or
  // cancelled scheduled messages.
  explicit ConversationService(storage::Database& db, EventWaker* event_waker = nullptr)
      : db_(db),
        conversations_(db),
        messages_(db),
        guests_(db),
        directory_(db),
        event_waker_(event_waker),
        outbox_(db, event_waker) {}

  absl::StatusOr<ConversationView> Get(const std::string& property_id,
                                       const std::string& conversation_id, int message_limit);
  absl::StatusOr<ConversationPage> List(const std::string& property_id,
                                        const ConversationQuery& query);
  absl::StatusOr<WindowView> Window(const std::string& property_id,
                                    const std::string& conversation_id, absl::Time now);

  // The guest's next message opens a new conversation.
  absl::StatusOr<ConversationView> Resolve(const std::string& property_id,
                                           const std::string& token_id, ResolveRequest request);
  // Empty leaves a field as it is; "-" clears it.
  absl::StatusOr<ConversationView> Assign(const std::string& property_id,
                                          const std::string& conversation_id,
                                          const std::string& assigned_to,
                                          const std::string& department);
  absl::StatusOr<ConversationView> UpdateMetadata(const std::string& property_id,
                                                  const std::string& conversation_id,
                                                  const std::map<std::string, std::string>& set,
                                                  const std::vector<std::string>& remove);

  // The guest's newest message in the conversation: NOT_FOUND for a
  // conversation not of the property, FAILED_PRECONDITION when the guest
  // has not written in it (a conversation opened by a template).
  absl::StatusOr<storage::MessageRecord> LatestGuestMessage(const std::string& property_id,
                                                            const std::string& conversation_id);

 private:
  absl::StatusOr<storage::ConversationRecord> Load(const std::string& property_id,
                                                   const std::string& conversation_id);
  // The staff who wrote in the conversation and the guest's profile and
  // last message time; inside a read of the caller's.
  absl::Status AddParticipants(const std::string& property_id, ConversationView* view);

  storage::Database& db_;
  storage::ConversationRepository conversations_;
  storage::MessageRepository messages_;
  storage::GuestRepository guests_;
  GuestDirectory directory_;
  EventWaker* event_waker_;
  EventOutbox outbox_;
};

// Inside a transaction: the conversation a new message of this guest
// belongs to. `requested_id`, if set, must name one of this guest's
// conversations in the property; otherwise the guest's active conversation
// is used, or a new one is opened (with `new_id` if given) on the
// property's number `phone_number_id`.
absl::StatusOr<storage::ConversationRecord> ConversationForMessage(
    storage::ConversationRepository& conversations, const std::string& property_id,
    const std::string& guest_phone, const std::string& requested_id, const std::string& new_id,
    absl::Time now, const std::string& phone_number_id);
// The same from `found`, read beforehand: the conversation `requested_id`
// names, or without one the guest's active one (as a send reads it with
// its other checks: storage::SendChecksRepository).
absl::StatusOr<storage::ConversationRecord> ConversationForMessage(
    storage::ConversationRepository& conversations, const std::string& property_id,
    const std::string& guest_phone, const std::string& requested_id,
    std::optional<storage::ConversationRecord> found, const std::string& new_id, absl::Time now,
    const std::string& phone_number_id);

}  // namespace wa::domain
