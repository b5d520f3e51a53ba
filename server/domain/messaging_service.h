#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/content.pb.h"
#include "server/domain/guest_directory.h"
#include "server/domain/guest_hash.h"
#include "server/domain/property_service.h"
#include "server/domain/send_timing.h"
#include "server/domain/token_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"
#include "server/storage/media_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/property_repository.h"
#include "server/storage/send_checks_repository.h"
#include "server/util/coalesced_lookup.h"

namespace wa::domain {

// What a staff member or hotel system asks to send.
struct OutboundRequest {
  // Exactly one names the guest (ParseGuestAddress).
  std::string guest_phone;
  std::string guest_user_id;
  std::string conversation_id;
  std::string staff_member_id;
  std::string reply_to_message_id;
  // One of the caller's property's numbers; empty: the conversation's, else
  // the property's default.
  std::string from_phone_number_id;
  hotel::whatsapp::v1::MessageType message_type = hotel::whatsapp::v1::MESSAGE_TYPE_TEXT;
  // What the conversation history shows: the text, caption or body.
  std::string body;
  hotel::whatsapp::v1::OutboundContent content;
  // A marketing template: refused to guests who stopped marketing too.
  bool marketing = false;
  // Set on the conversation (booking_reference, guest_tier, ...).
  std::map<std::string, std::string> conversation_metadata;
  // send_at, valid_until, respect_quiet_hours (send_timing.h).
  TimingRequest timing;
  // Runs inside the transaction that stores the message, after it is
  // stored: what must commit with the send or not at all (an idempotency
  // key, a batch item). An error undoes the send.
  std::function<absl::Status(const storage::MessageRecord&)> in_transaction;
};

// The bound on a sender's queue: past `max_backlog` waiting messages, new
// sends are refused with RATE_LIMIT_EXCEEDED instead of queueing without
// limit. The queue drains at `drain_per_second`, which sets the retry time.
struct BacklogLimit {
  int max_backlog = 0;  // 0: unbounded
  double drain_per_second = 80;
};

// A stored media file to send (rich_messages.cc).
struct MediaSend {
  std::string media_id;  // ours, from an upload
  hotel::whatsapp::v1::MediaType media_type = hotel::whatsapp::v1::MEDIA_TYPE_UNSPECIFIED;
  std::string caption;
  std::string filename;
};

// The property's approved templates, for MESSAGE_WINDOW_EXPIRED's
// suggestions; runs inside the send's transaction. TemplateService is the
// one (it sends through MessagingService, hence an interface).
class TemplateSuggester {
 public:
  virtual ~TemplateSuggester() = default;
  virtual std::vector<std::string> SuggestInTransaction(const std::string& property_id) = 0;
};

// Accepts outbound messages: validates them against WhatsApp's rules,
// stores them durably as `queued` and wakes the send queue, which hands
// them to the provider; or, when they are to go later (send_at, quiet
// hours), as `scheduled` for ScheduledRelease.
class MessagingService {
 public:
  explicit MessagingService(storage::Database& db)
      : db_(db),
        conversations_(db),
        messages_(db),
        send_checks_(db),
        media_(db),
        directory_(db),
        properties_repo_(db),
        lookups_(
            [this](const std::vector<std::string>& ids) {
              return storage::ReadValue(
                  db_, [&] { return messages_.GetAll(ids); }, storage::ReadScope::kOneStatement);
            },
            [](const storage::MessageRecord& m) { return m.message_id; },
            {.parallel = db.coalesced_reads()}) {}

  absl::StatusOr<storage::MessageRecord> SendText(const Caller& caller, OutboundRequest request);
  // Reply buttons or a list, within WhatsApp's limits (rich_messages.cc).
  absl::StatusOr<storage::MessageRecord> SendInteractive(
      const Caller& caller, OutboundRequest request, hotel::whatsapp::v1::InteractiveType type,
      const hotel::whatsapp::v1::InteractiveContent& content);
  // An uploaded image, document, audio, video or sticker (rich_messages.cc).
  absl::StatusOr<storage::MessageRecord> SendMedia(const Caller& caller, OutboundRequest request,
                                                   const MediaSend& media);
  // An approved template, rendered (TemplateService::Send): no window
  // needed, consent still applies.
  absl::StatusOr<storage::MessageRecord> SendTemplate(const Caller& caller,
                                                      OutboundRequest request);
  // A message stored to go now wakes `send_queue` (unset: nobody is told).
  void set_send_queue(SendQueueWaker* send_queue) { send_queue_ = send_queue; }
  void set_template_suggester(TemplateSuggester* suggester) { suggester_ = suggester; }
  // A message stored as scheduled wakes `releaser`; `event_waker` wakes what
  // follows events (EventWaker).
  void set_scheduling(ScheduleWaker* releaser, EventWaker* event_waker) {
    releaser_ = releaser;
    event_waker_ = event_waker;
  }
  void set_backlog_limit(BacklogLimit limit) { backlog_limit_ = limit; }
  // Where a send's number comes from. `require_number` (the Cloud API):
  // a property without one is refused before anything is queued.
  // Erased guests' kept opt-outs are honoured once this is set.
  void set_guest_hasher(const GuestHasher* hasher) { hasher_ = hasher; }
  void set_senders(PropertyService* properties, bool require_number) {
    properties_ = properties;
    require_number_ = require_number;
  }
  bool RequiresNumber() const { return require_number_; }
  // Refuses a number that is not the property's, or no number where one
  // is required (see set_senders); what a batch checks before it is accepted.
  absl::Status CheckSender(const std::string& property_id, const std::string& requested) {
    return SenderFor(property_id, requested).status();
  }
  // The message, if it belongs to the property.
  absl::StatusOr<storage::MessageRecord> Get(const std::string& property_id,
                                             const std::string& message_id);

 private:
  absl::StatusOr<storage::MessageRecord> Enqueue(const Caller& caller, OutboundRequest request,
                                                 bool needs_window);
  // Refuses a free-form message at `at` to a guest who last wrote at
  // `last_inbound` (never: nullopt) when the window is closed by then.
  absl::Status CheckWindow(const std::string& property_id, const std::string& guest_key,
                           std::optional<absl::Time> last_inbound, absl::Time at);
  // Inside the send's transaction: when the message is to be released
  // (now for a plain send), checked against the window at that time.
  absl::StatusOr<absl::Time> PlanInTransaction(const std::string& property_id,
                                               const std::string& guest_key,
                                               const OutboundRequest& request, const Timing& timing,
                                               const storage::ConversationRecord& conversation,
                                               std::optional<absl::Time> last_inbound,
                                               bool needs_window, absl::Time now);
  absl::Status CheckBacklog(const std::string& property_id);
  // Inside the send's transaction: the request's conversation_metadata,
  // checked and merged into the conversation.
  absl::Status SetMetadataInTransaction(const storage::ConversationRecord& conversation,
                                        const OutboundRequest& request, absl::Time now);
  // The number asked for (checked) or else the property's default; empty
  // when there is none and none is required.
  absl::StatusOr<std::string> SenderFor(const std::string& property_id,
                                        const std::string& requested);
  // The conversation's own number while the property still owns it.
  std::string ConversationNumber(const storage::ConversationRecord& conversation);

  storage::Database& db_;
  storage::ConversationRepository conversations_;
  storage::MessageRepository messages_;
  storage::SendChecksRepository send_checks_;
  const GuestHasher* hasher_ = nullptr;
  storage::MediaRepository media_;
  GuestDirectory directory_;
  storage::PropertyRepository properties_repo_;
  // Get()'s reads: status polls arrive in crowds, and on PostgreSQL a
  // crowd's ids are read in one statement (on SQLite each is read alone:
  // there a statement is no round trip, and the queue cost more than it
  // saved).
  util::CoalescedLookup<storage::MessageRecord> lookups_;
  SendQueueWaker* send_queue_ = nullptr;
  ScheduleWaker* releaser_ = nullptr;
  EventWaker* event_waker_ = nullptr;
  TemplateSuggester* suggester_ = nullptr;
  BacklogLimit backlog_limit_;
  PropertyService* properties_ = nullptr;
  bool require_number_ = false;
};

// WhatsApp's limit on a text message body, in characters.
inline constexpr size_t kMaxTextLength = 4096;

}  // namespace wa::domain
