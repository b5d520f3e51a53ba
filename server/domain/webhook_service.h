#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/endpoint_checks.h"
#include "server/domain/event_outbox.h"
#include "server/domain/wake_ups.h"
#include "server/storage/database.h"
#include "server/storage/webhook_repository.h"

namespace wa::domain {

struct WebhookSettings {
  // How long a replaced secret keeps signing (rotation and re-configure).
  absl::Duration secret_grace = absl::Hours(24);
};

struct WebhookRequest {
  std::string webhook_url;
  std::vector<std::string> events;
  std::string verify_token;
  bool has_retry_config = false;
  int max_retries = 0;
  int retry_delay_ms = 0;
};

struct ConfigureResult {
  storage::WebhookConfigRecord config;
  std::string signing_secret;  // shown once
  bool verified = false;
  std::string verification_error;
};

struct RotateResult {
  std::string signing_secret;
  absl::Time previous_secret_expires_at;
};

struct DeliveryQuery {
  std::string property_id;
  hotel::whatsapp::v1::DeliveryStatus status = hotel::whatsapp::v1::DELIVERY_STATUS_UNSPECIFIED;
  std::string event;
  std::optional<absl::Time> since;
  std::optional<absl::Time> until;
  int page_size = 0;
  std::string page_token;
};

struct DeliveryPage {
  std::vector<storage::WebhookEventRecord> deliveries;
  std::string next_page_token;
};

struct DeliveryDetail {
  storage::WebhookEventRecord event;
  std::vector<storage::WebhookAttemptRecord> attempts;
};

// The hotel's webhook: configuration, secrets, and the outbox as an
// operator sees it (deliveries, replays, a test event).
class WebhookService {
 public:
  WebhookService(storage::Database& db, EndpointChecks& checks, WebhookSettings settings,
                 EventWaker* event_waker)
      : db_(db),
        checks_(checks),
        settings_(settings),
        event_waker_(event_waker),
        webhooks_(db),
        outbox_(db) {}

  // Validates, runs the verification GET, and stores the configuration
  // whatever the verification said, with a new signing secret.
  absl::StatusOr<ConfigureResult> Configure(const std::string& property_id, WebhookRequest request);
  absl::StatusOr<storage::WebhookConfigRecord> GetConfig(const std::string& property_id);
  // `grace` zero: the default grace period.
  absl::StatusOr<RotateResult> RotateSecret(const std::string& property_id, absl::Duration grace);

  absl::StatusOr<DeliveryPage> ListDeliveries(const DeliveryQuery& query);
  absl::StatusOr<DeliveryDetail> GetDelivery(const std::string& property_id,
                                             const std::string& event_id);
  // A delivered or dead-lettered event goes out again (same event_id).
  absl::StatusOr<storage::WebhookEventRecord> Replay(const std::string& property_id,
                                                     const std::string& event_id);
  absl::StatusOr<int> ReplayDeadLetters(const std::string& property_id, absl::Time since);
  absl::StatusOr<storage::WebhookEventRecord> SendTest(const std::string& property_id);

 private:
  absl::Status Validate(WebhookRequest& request) const;
  absl::StatusOr<storage::WebhookEventRecord> Event(const std::string& property_id,
                                                    const std::string& event_id);
  void Wake() const {
    if (event_waker_ != nullptr) event_waker_->Wake();
  }

  storage::Database& db_;
  EndpointChecks& checks_;
  WebhookSettings settings_;
  EventWaker* event_waker_;
  storage::WebhookRepository webhooks_;
  EventOutbox outbox_;
};

}  // namespace wa::domain
