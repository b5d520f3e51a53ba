#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "server/storage/database.h"

namespace wa::storage {

// One property's webhook: where, what, how to retry, the signing secrets
// and whether the endpoint is currently unreachable.
struct WebhookConfigRecord {
  std::string property_id;
  std::string webhook_url;
  std::vector<std::string> events;
  std::string verify_token;
  int max_retries = 3;
  int retry_delay_ms = 5000;
  std::string secret;
  std::string previous_secret;
  std::optional<absl::Time> previous_secret_expires_at;
  bool verified = false;
  std::string verification_error;
  absl::Time updated_at;
  // Outage state: set while the endpoint gives no usable answer.
  std::optional<absl::Time> down_since;
  std::optional<absl::Time> paused_until;
  int probe_failures = 0;
};

// One event of the outbox with its delivery state.
struct WebhookEventRecord {
  int64_t seq = 0;
  std::string event_id;
  std::string property_id;
  std::string event;
  // Events with the same key (a conversation id) are delivered in order.
  std::string ordering_key;
  std::string payload;  // the envelope JSON, posted byte for byte
  absl::Time occurred_at;
  hotel::whatsapp::v1::DeliveryStatus status = hotel::whatsapp::v1::DELIVERY_STATUS_PENDING;
  int attempts = 0;
  // Attempts that count against max_retries (the endpoint answered, not 2xx).
  int failures = 0;
  std::optional<absl::Time> next_attempt_at;
  int last_http_status = 0;
  std::string last_error;
  std::optional<absl::Time> delivered_at;
  std::optional<absl::Time> failed_at;
};

struct WebhookAttemptRecord {
  std::string event_id;
  int attempt = 0;
  absl::Time at;
  int http_status = 0;
  int64_t latency_ms = 0;
  std::string error;
};

struct WebhookEventFilter {
  std::string property_id;
  hotel::whatsapp::v1::DeliveryStatus status = hotel::whatsapp::v1::DELIVERY_STATUS_UNSPECIFIED;
  std::string event;
  std::optional<absl::Time> since;
  std::optional<absl::Time> until;
  int64_t before_seq = 0;  // paging: only events older than this; 0: from the newest
  int limit = 50;
};

class WebhookRepository {
 public:
  explicit WebhookRepository(Database& db) : db_(db) {}

  // Configuration.
  absl::StatusOr<std::optional<WebhookConfigRecord>> GetConfig(const std::string& property_id);
  // Inserts or replaces the configuration; a new one starts with the
  // endpoint considered up.
  absl::Status PutConfig(const WebhookConfigRecord& config);
  absl::Status SetSecrets(const std::string& property_id, const std::string& secret,
                          const std::string& previous_secret,
                          std::optional<absl::Time> previous_expires_at);
  // The endpoint answered: clear the outage state.
  absl::Status MarkEndpointUp(const std::string& property_id);
  // The endpoint gave no usable answer: it is down (since `now` if it was
  // up) and is probed again at `probe_at`; its pending events wait until then.
  absl::Status MarkEndpointDown(const std::string& property_id, absl::Time now,
                                absl::Time probe_at);
  // Holds a down endpoint while its one probe is in flight.
  absl::Status PauseEndpoint(const std::string& property_id, absl::Time until);

  // The outbox.
  absl::Status InsertEvent(const WebhookEventRecord& event);
  // Pending events due by `now` whose endpoint is not paused, each the
  // oldest pending event of its ordering key (so a conversation's events
  // go one at a time, in order), oldest first.
  absl::StatusOr<std::vector<WebhookEventRecord>> DueEvents(absl::Time now, int limit);
  absl::StatusOr<std::optional<absl::Time>> NextDueAt();
  // Moves a pending event's next attempt (a retry, a wait for a down
  // endpoint, the release of a claim).
  absl::Status Reschedule(const std::string& event_id, absl::Time at);
  // Takes a pending event for an attempt if it is still due at `now`,
  // holding it until `hold_until`; false when another instance took it
  // since it was read.
  absl::StatusOr<bool> Claim(const std::string& event_id, absl::Time now, absl::Time hold_until);
  absl::Status RecordAttempt(const WebhookAttemptRecord& attempt);
  absl::Status MarkDelivered(const std::string& event_id, absl::Time at, int http_status);
  // A failed attempt: the event waits until `retry_at`; `counted` says
  // whether it uses up one of its retries.
  absl::Status MarkRetry(const std::string& event_id, absl::Time retry_at, int http_status,
                         const std::string& error, bool counted);
  // Dead-lettered.
  absl::Status MarkFailed(const std::string& event_id, absl::Time at, int http_status,
                          const std::string& error);

  absl::StatusOr<std::optional<WebhookEventRecord>> GetEvent(const std::string& property_id,
                                                             const std::string& event_id);
  absl::StatusOr<std::vector<WebhookEventRecord>> ListEvents(const WebhookEventFilter& filter);
  absl::StatusOr<std::vector<WebhookAttemptRecord>> ListAttempts(const std::string& event_id);
  // Back to pending, due at `now`, with a fresh retry budget.
  absl::Status Requeue(const std::string& event_id, absl::Time now);
  // Requeues the property's events dead-lettered at or after `since`;
  // returns how many.
  absl::StatusOr<int> RequeueFailedSince(const std::string& property_id, absl::Time since,
                                         absl::Time now);

 private:
  Database& db_;
};

}  // namespace wa::storage
