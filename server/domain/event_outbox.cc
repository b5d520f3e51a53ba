#include "server/domain/event_outbox.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/rfc3339.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

const std::vector<std::string>& WebhookEventNames() {
  static const auto* names = new std::vector<std::string>{
      "message_sent",          "message_delivered",       "message_read",
      "message_failed",        "inbound_message",         "media_received",
      "conversation_resolved", "template_status_changed", "batch_completed",
      "message_scheduled",     "message_cancelled",       "message_expired",
      "guest_erased",          "conversation_assigned",   "conversation_routed",
      "auto_reply_sent"};
  return *names;
}

bool IsWebhookEvent(absl::string_view name) {
  const std::vector<std::string>& names = WebhookEventNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

absl::StatusOr<std::optional<std::string>> EventOutbox::EmitInTransaction(
    const std::string& property_id, const std::string& event, const std::string& ordering_key,
    const std::string& data_json, absl::Time occurred_at) {
  // One id for both records, so a client of both can tell they are one event.
  const std::string event_id = NewId("evt_");
  if (absl::Status s = Record(property_id, event_id, event, data_json, absl::Now()); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
      webhooks_.GetConfig(property_id);
  if (!config.ok()) return config.status();
  if (!*config) return std::optional<std::string>();
  const std::vector<std::string>& events = (*config)->events;
  if (std::find(events.begin(), events.end(), event) == events.end()) {
    return std::optional<std::string>();
  }
  absl::StatusOr<std::string> id =
      Store(property_id, event_id, event, ordering_key, data_json, occurred_at);
  if (!id.ok()) return id.status();
  return std::optional<std::string>(*id);
}

absl::StatusOr<std::string> EventOutbox::EmitUnfilteredInTransaction(const std::string& property_id,
                                                                     const std::string& event,
                                                                     const std::string& data_json) {
  absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
      webhooks_.GetConfig(property_id);
  if (!config.ok()) return config.status();
  if (!*config) {
    return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                 "no webhook is configured for this property")
        .Recovery({"Configure one with POST /api/v1/whatsapp/webhooks/configure"});
  }
  absl::StatusOr<std::string> id =
      Store(property_id, NewId("evt_"), event, "", data_json, absl::InfinitePast());
  if (id.ok()) WakeAfterCommit();
  return id;
}

void EventOutbox::WakeAfterCommit() {
  if (event_waker_ != nullptr) db_.AfterCommit([waker = event_waker_] { waker->Wake(); });
}

absl::Status EventOutbox::Record(const std::string& property_id, const std::string& event_id,
                                 const std::string& event, const std::string& data_json,
                                 absl::Time now) {
  nlohmann::json data = nlohmann::json::parse(data_json, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) return absl::InternalError("event data must be a JSON object: " + event);
  storage::StreamEventRecord record;
  record.property_id = property_id;
  record.event_id = event_id;
  record.event = event;
  // Streams filter by conversation; every event of one names it in its data.
  if (auto it = data.find("conversation_id"); it != data.end() && it->is_string()) {
    record.conversation_id = it->get<std::string>();
  }
  record.created_at = now;
  record.data = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (absl::StatusOr<int64_t> cursor = streams_.Append(record); !cursor.ok()) {
    return cursor.status();
  }
  WakeAfterCommit();
  return absl::OkStatus();
}

absl::StatusOr<std::string> EventOutbox::Store(
    const std::string& property_id, const std::string& event_id, const std::string& event,
    const std::string& ordering_key, const std::string& data_json, absl::Time occurred_at) {
  nlohmann::json data = nlohmann::json::parse(data_json, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) {
    return absl::InternalError("webhook event data must be a JSON object: " + event);
  }
  absl::Time now = absl::Now();
  storage::WebhookEventRecord record;
  record.event_id = event_id;
  record.property_id = property_id;
  record.event = event;
  record.ordering_key = ordering_key;
  record.occurred_at = occurred_at == absl::InfinitePast() ? now : occurred_at;
  // The envelope is fixed here, so every attempt posts the same bytes.
  nlohmann::json envelope = {{"event", event},
                             {"event_id", record.event_id},
                             {"occurred_at", Rfc3339(record.occurred_at)},
                             {"property_id", property_id},
                             {"data", std::move(data)}};
  // Replace rather than throw on invalid UTF-8: an event must never fail its change.
  record.payload = envelope.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  record.status = v1::DELIVERY_STATUS_PENDING;
  record.next_attempt_at = now;
  if (absl::Status s = webhooks_.InsertEvent(record); !s.ok()) return s;
  return record.event_id;
}

}  // namespace wa::domain
