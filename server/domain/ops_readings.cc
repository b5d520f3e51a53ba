#include "server/domain/ops_readings.h"

#include "absl/time/clock.h"
#include "server/storage/migrations.h"
#include "server/storage/notification_repository.h"
#include "server/storage/ops_repository.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

const char* DeliveryStatusName(int status) {
  return status == 1 ? "pending" : status == 2 ? "delivered" : "dead_letter";
}

}  // namespace

std::vector<util::Metrics::Gauge> OpsReadings::Gauges() {
  storage::OpsRepository ops(db_);
  util::Metrics::Gauge depth{
      "wa_queue_depth", "messages waiting for the send queue, per sender", "sender", {}};
  util::Metrics::Gauge age{
      "wa_queue_oldest_age_seconds", "age of the oldest message waiting, per sender", "sender", {}};
  util::Metrics::Gauge events{
      "wa_webhook_events", "events for the hotels' webhooks by delivery status", "status", {}};
  absl::Time now = absl::Now();
  auto queues = storage::ReadValue(db_, [&] { return ops.Queues(); });
  if (queues.ok()) {
    for (const storage::QueueDepth& q : *queues) {
      depth.samples.emplace_back(q.property_id, static_cast<double>(q.queued));
      age.samples.emplace_back(q.property_id, absl::ToDoubleSeconds(now - q.oldest));
    }
  }
  auto counts = storage::ReadValue(db_, [&] { return ops.WebhookEvents(); });
  if (counts.ok()) {
    for (const storage::EventCount& c : *counts) {
      events.samples.emplace_back(DeliveryStatusName(c.status), static_cast<double>(c.count));
    }
  }
  util::Metrics::Gauge unrouted{"wa_meta_callbacks_unrouted",
                                "Meta callbacks kept for a number or business account no "
                                "property owns (wa-server properties unrouted)",
                                "route",
                                {}};
  storage::NotificationRepository notifications(db_);
  auto parked = storage::ReadValue(db_, [&] { return notifications.CountParked(); });
  if (parked.ok()) {
    for (const storage::ParkedCount& p : *parked) {
      unrouted.samples.emplace_back(p.route_key, static_cast<double>(p.count));
    }
  }
  return {depth, age, events, unrouted};
}

absl::StatusOr<OpsReadings::Schema> OpsReadings::SchemaVersions() {
  storage::OpsRepository ops(db_);
  ASSIGN_OR_RETURN(int version, storage::ReadValue(db_, [&] { return ops.SchemaVersion(); }));
  return Schema{version, storage::LatestSchemaVersion()};
}

}  // namespace wa::domain
