#include "server/domain/webhook_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/paging.h"
#include "server/domain/rfc3339.h"
#include "server/util/status_macros.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kDefaultMaxRetries = 3;
constexpr int kMaxRetriesLimit = 20;
constexpr int kDefaultRetryDelayMs = 5000;
constexpr int kMinRetryDelayMs = 100;
constexpr int kMaxRetryDelayMs = 3600 * 1000;

std::string NewSigningSecret() { return absl::StrCat("whsec_", NewSecret().substr(4)); }

absl::Status UnknownEvent(const std::string& event) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat("unknown webhook event '", event, "'"))
      .Detail("field", "events")
      .Detail("event", event)
      .Detail("supported_events", WebhookEventNames())
      .Recovery({"Use only the supported event names"});
}

absl::Status NoWebhook() {
  return Error(absl::StatusCode::kNotFound, "NOT_FOUND",
               "no webhook is configured for this property")
      .Recovery({"Configure one with POST /api/v1/whatsapp/webhooks/configure"});
}

}  // namespace

absl::Status WebhookService::Validate(WebhookRequest& r) const {
  r.webhook_url = std::string(absl::StripAsciiWhitespace(r.webhook_url));
  if (r.webhook_url.empty()) return InvalidArgument("webhook_url is required", "webhook_url");
  if (r.events.empty()) return InvalidArgument("events must name at least one event", "events");
  std::vector<std::string> events;
  for (const std::string& raw : r.events) {
    std::string event = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    if (!IsWebhookEvent(event)) return UnknownEvent(raw);
    if (std::find(events.begin(), events.end(), event) == events.end()) events.push_back(event);
  }
  r.events = std::move(events);
  if (!r.has_retry_config) {
    r.max_retries = kDefaultMaxRetries;
    r.retry_delay_ms = kDefaultRetryDelayMs;
  }
  if (r.retry_delay_ms == 0) r.retry_delay_ms = kDefaultRetryDelayMs;
  if (r.max_retries < 0 || r.max_retries > kMaxRetriesLimit) {
    return InvalidArgument(absl::StrCat("retry_config.max_retries must be 0 to ", kMaxRetriesLimit),
                           "retry_config.max_retries");
  }
  if (r.retry_delay_ms < kMinRetryDelayMs || r.retry_delay_ms > kMaxRetryDelayMs) {
    return InvalidArgument(absl::StrCat("retry_config.retry_delay must be ", kMinRetryDelayMs,
                                        " to ", kMaxRetryDelayMs, " milliseconds"),
                           "retry_config.retry_delay");
  }
  absl::Status url = checks_.CheckUrl(r.webhook_url);
  // A host that does not resolve (yet) is stored unverified, the reason in
  // verification_error: every delivery resolves and checks it again.
  if (!url.ok() && url.code() != absl::StatusCode::kUnavailable) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", std::string(url.message()))
        .Detail("field", "webhook_url")
        .Detail("webhook_url", r.webhook_url)
        .Recovery({"Use a public https URL", "Ask the operator to allow the host"});
  }
  return absl::OkStatus();
}

absl::StatusOr<ConfigureResult> WebhookService::Configure(const std::string& property_id,
                                                          WebhookRequest request) {
  if (absl::Status s = Validate(request); !s.ok()) return s;
  // Outside any transaction: the endpoint may take seconds to answer.
  std::string verification_error =
      checks_.VerifyEndpoint(request.webhook_url, request.verify_token);
  absl::Time now = absl::Now();
  ConfigureResult result;
  result.signing_secret = NewSigningSecret();
  result.verified = verification_error.empty();
  result.verification_error = verification_error;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<std::optional<storage::WebhookConfigRecord>> existing =
        webhooks_.GetConfig(property_id);
    if (!existing.ok()) return existing.status();
    storage::WebhookConfigRecord& c = result.config;
    c.property_id = property_id;
    c.webhook_url = request.webhook_url;
    c.events = request.events;
    c.verify_token = request.verify_token;
    c.max_retries = request.max_retries;
    c.retry_delay_ms = request.retry_delay_ms;
    c.secret = result.signing_secret;
    // Receivers keep verifying with the old secret while they switch.
    if (*existing) {
      c.previous_secret = (*existing)->secret;
      c.previous_secret_expires_at = now + settings_.secret_grace;
    }
    c.verified = result.verified;
    c.verification_error = verification_error;
    c.updated_at = now;
    return webhooks_.PutConfig(c);
  });
  if (!status.ok()) return status;
  Wake();  // events held for a down endpoint may go to the new one
  return result;
}

absl::StatusOr<storage::WebhookConfigRecord> WebhookService::GetConfig(
    const std::string& property_id) {
  absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
      storage::ReadValue(db_, [&] { return webhooks_.GetConfig(property_id); });
  if (!config.ok()) return config.status();
  if (!*config) return NoWebhook();
  return **config;
}

absl::StatusOr<RotateResult> WebhookService::RotateSecret(const std::string& property_id,
                                                          absl::Duration grace) {
  if (grace < absl::ZeroDuration() || grace > absl::Hours(24 * 30)) {
    return InvalidArgument("grace_period_seconds must be 0 to 2592000 (30 days)",
                           "grace_period_seconds");
  }
  if (grace == absl::ZeroDuration()) grace = settings_.secret_grace;
  RotateResult result;
  result.signing_secret = NewSigningSecret();
  result.previous_secret_expires_at = absl::Now() + grace;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
        webhooks_.GetConfig(property_id);
    if (!config.ok()) return config.status();
    if (!*config) return NoWebhook();
    return webhooks_.SetSecrets(property_id, result.signing_secret, (*config)->secret,
                                result.previous_secret_expires_at);
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<DeliveryPage> WebhookService::ListDeliveries(const DeliveryQuery& query) {
  if (!query.event.empty() && !IsWebhookEvent(query.event) && query.event != kTestEvent) {
    return UnknownEvent(query.event);
  }
  storage::WebhookEventFilter filter;
  filter.property_id = query.property_id;
  filter.status = query.status;
  filter.event = query.event;
  filter.since = query.since;
  filter.until = query.until;
  ASSIGN_OR_RETURN(int limit, PageLimit(query.page_size));
  ASSIGN_OR_RETURN(filter.before_seq, ParseSeqToken(query.page_token));
  filter.limit = limit + 1;
  DeliveryPage page;
  ASSIGN_OR_RETURN(page.deliveries,
                   storage::ReadValue(db_, [&] { return webhooks_.ListEvents(filter); }));
  page.next_page_token =
      TrimPage(page.deliveries, limit, [](const auto& last) { return absl::StrCat(last.seq); });
  return page;
}

absl::StatusOr<storage::WebhookEventRecord> WebhookService::Event(const std::string& property_id,
                                                                  const std::string& event_id) {
  absl::StatusOr<std::optional<storage::WebhookEventRecord>> event =
      webhooks_.GetEvent(property_id, event_id);
  if (!event.ok()) return event.status();
  if (!*event) return NotFound("webhook event", event_id);
  return **event;
}

absl::StatusOr<DeliveryDetail> WebhookService::GetDelivery(const std::string& property_id,
                                                           const std::string& event_id) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<DeliveryDetail> {
    absl::StatusOr<storage::WebhookEventRecord> event = Event(property_id, event_id);
    if (!event.ok()) return event.status();
    absl::StatusOr<std::vector<storage::WebhookAttemptRecord>> attempts =
        webhooks_.ListAttempts(event_id);
    if (!attempts.ok()) return attempts.status();
    return DeliveryDetail{*std::move(event), *std::move(attempts)};
  });
}

absl::StatusOr<storage::WebhookEventRecord> WebhookService::Replay(const std::string& property_id,
                                                                   const std::string& event_id) {
  absl::StatusOr<storage::WebhookEventRecord> replayed =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::WebhookEventRecord> {
        absl::StatusOr<storage::WebhookEventRecord> event = Event(property_id, event_id);
        if (!event.ok()) return event.status();
        if (event->status == v1::DELIVERY_STATUS_PENDING) {
          // Pending events are already on their way; a second copy could
          // overtake the one in flight.
          return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                       "the event is still pending delivery")
              .Detail("event_id", event_id)
              .Recovery({"Wait for it to be delivered or dead-lettered"});
        }
        if (absl::Status s = webhooks_.Requeue(event_id, absl::Now()); !s.ok()) return s;
        return Event(property_id, event_id);
      });
  if (replayed.ok()) Wake();
  return replayed;
}

absl::StatusOr<int> WebhookService::ReplayDeadLetters(const std::string& property_id,
                                                      absl::Time since) {
  absl::StatusOr<int> count = storage::TransactValue(
      db_, [&] { return webhooks_.RequeueFailedSince(property_id, since, absl::Now()); });
  if (count.ok() && *count > 0) Wake();
  return count;
}

absl::StatusOr<storage::WebhookEventRecord> WebhookService::SendTest(
    const std::string& property_id) {
  nlohmann::json data = {{"message", "This is a test event from the WhatsApp service."},
                         {"sent_at", Rfc3339(absl::Now())}};
  absl::StatusOr<storage::WebhookEventRecord> event =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::WebhookEventRecord> {
        absl::StatusOr<std::string> id =
            outbox_.EmitUnfilteredInTransaction(property_id, kTestEvent, data.dump());
        if (!id.ok()) return id.status();
        return Event(property_id, *id);
      });
  if (event.ok()) Wake();
  return event;
}

}  // namespace wa::domain
