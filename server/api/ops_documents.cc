#include "server/api/ops_documents.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/storage/migrations.h"
#include "server/storage/notification_repository.h"
#include "server/storage/ops_repository.h"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::api {
namespace {

std::vector<util::Metrics::Gauge> Gauges(storage::Database& db) {
  storage::OpsRepository ops(db);
  util::Metrics::Gauge depth{
      "wa_queue_depth", "messages waiting for the send queue, per sender", {}};
  util::Metrics::Gauge age{
      "wa_queue_oldest_age_seconds", "age of the oldest message waiting, per sender", {}};
  util::Metrics::Gauge events{
      "wa_webhook_events", "events for the hotels' webhooks by delivery status", {}};
  absl::Time now = absl::Now();
  auto queues = storage::ReadValue(db, [&] { return ops.Queues(); });
  if (queues.ok()) {
    for (const storage::QueueDepth& q : *queues) {
      std::string label = absl::StrCat("sender=\"", q.property_id, "\"");
      depth.samples.emplace_back(label, static_cast<double>(q.queued));
      age.samples.emplace_back(label, absl::ToDoubleSeconds(now - q.oldest));
    }
  }
  auto counts = storage::ReadValue(db, [&] { return ops.WebhookEvents(); });
  if (counts.ok()) {
    for (const storage::EventCount& c : *counts) {
      const char* name = c.status == 1 ? "pending" : c.status == 2 ? "delivered" : "dead_letter";
      events.samples.emplace_back(absl::StrCat("status=\"", name, "\""),
                                  static_cast<double>(c.count));
    }
  }
  util::Metrics::Gauge unrouted{"wa_meta_callbacks_unrouted",
                                "Meta callbacks kept for a number or business account no "
                                "property owns (wa-server properties unrouted)",
                                {}};
  storage::NotificationRepository notifications(db);
  auto parked = storage::ReadValue(db, [&] { return notifications.CountParked(); });
  if (parked.ok()) {
    for (const storage::ParkedCount& p : *parked) {
      unrouted.samples.emplace_back(absl::StrCat("route=\"", p.route_key, "\""),
                                    static_cast<double>(p.count));
    }
  }
  return {depth, age, events, unrouted};
}

}  // namespace

OpsDocument MetricsDocument(storage::Database& db) {
  return {200, util::Metrics::Global().Render(Gauges(db))};
}

OpsDocument ReadinessDocument(storage::Database& db, const provider::Provider& provider) {
  storage::OpsRepository ops(db);
  absl::StatusOr<int> version = storage::ReadValue(db, [&] { return ops.SchemaVersion(); });
  bool ready = version.ok() && *version == storage::LatestSchemaVersion();
  // No token is needed here: the answer says ready or not, and why goes
  // only to the log (a database's error names hosts, files and SQL).
  if (!version.ok()) {
    util::LogError("not ready: database: ", version.status().ToString());
  } else if (!ready) {
    util::LogError("not ready: schema version ", *version, ", expected ",
                   storage::LatestSchemaVersion());
  }
  if (!provider.CredentialsAccepted()) {
    // Not "not ready": reads and queueing still work.
    util::LogError("provider ", provider.Name(), " rejects our credentials");
  }
  nlohmann::json body = {{"ready", ready}, {"status", ready ? "ready" : "not ready"}};
  return {ready ? 200 : 503, body.dump()};
}

}  // namespace wa::api
