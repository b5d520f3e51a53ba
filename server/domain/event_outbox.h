#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/wake_ups.h"
#include "server/storage/database.h"
#include "server/storage/event_stream_repository.h"
#include "server/storage/webhook_repository.h"

namespace wa::domain {

// The events a hotel may subscribe to, in the contract's spelling.
const std::vector<std::string>& WebhookEventNames();
bool IsWebhookEvent(absl::string_view name);
// Sent by SendTestWebhook; delivered whatever the subscription.
inline constexpr char kTestEvent[] = "webhook_test";

// The outbox of events: to the hotel's webhook, and to the live streams
// (EventsService). Every event is written in the transaction of the change
// it reports, so there is no change without its event and no event without
// its change; the delivery worker and the stream hub take it from there.
// Other features emit their events through here:
//
//   outbox.EmitInTransaction(property_id, "conversation_resolved",
//                            conversation_id, data_json);
class EventOutbox {
 public:
  // `event_waker` is woken once the transaction that stored an event has
  // committed (Database::AfterCommit), for the delivery worker and the
  // stream subscribers: a subscriber woken before the commit could read
  // past a cursor not yet visible.
  explicit EventOutbox(storage::Database& db, EventWaker* event_waker = nullptr)
      : db_(db), webhooks_(db), streams_(db), event_waker_(event_waker) {}

  // Inside the caller's transaction: records the event in the property's
  // stream (always), and for the webhook if the property's webhook
  // subscribes to it (else returns nullopt).
  // `ordering_key` (a conversation id, or "") orders delivery: events with
  // the same key reach the endpoint in the order they were emitted.
  // `data_json` is a JSON object, the envelope's `data`. Returns the
  // event id.
  absl::StatusOr<std::optional<std::string>> EmitInTransaction(
      const std::string& property_id, const std::string& event, const std::string& ordering_key,
      const std::string& data_json, absl::Time occurred_at = absl::InfinitePast());

  // The same for an event delivered whatever the subscription (the test
  // event); fails if the property has no webhook.
  absl::StatusOr<std::string> EmitUnfilteredInTransaction(const std::string& property_id,
                                                          const std::string& event,
                                                          const std::string& data_json);

 private:
  absl::StatusOr<std::string> Store(const std::string& property_id, const std::string& event_id,
                                    const std::string& event, const std::string& ordering_key,
                                    const std::string& data_json, absl::Time occurred_at);

  // Schedules event_waker_'s wake-up for after the caller's commit.
  void WakeAfterCommit();

  absl::Status Record(const std::string& property_id, const std::string& event_id,
                      const std::string& event, const std::string& data_json, absl::Time now);

  storage::Database& db_;
  storage::WebhookRepository webhooks_;
  storage::EventStreamRepository streams_;
  EventWaker* event_waker_;
};

}  // namespace wa::domain
