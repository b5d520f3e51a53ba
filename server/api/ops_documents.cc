#include "server/api/ops_documents.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::api {

OpsDocument MetricsDocument(domain::OpsReadings& readings) {
  return {200, util::Metrics::Global().Render(readings.Gauges())};
}

OpsDocument ReadinessDocument(domain::OpsReadings& readings, const provider::Provider& provider) {
  absl::StatusOr<domain::OpsReadings::Schema> schema = readings.SchemaVersions();
  bool ready = schema.ok() && schema->version == schema->expected;
  // No token is needed here: the answer says ready or not, and why goes
  // only to the log (a database's error names hosts, files and SQL).
  if (!schema.ok()) {
    util::LogError("not ready: database: ", schema.status().ToString());
  } else if (!ready) {
    util::LogError("not ready: schema version ", schema->version, ", expected ", schema->expected);
  }
  if (!provider.CredentialsAccepted()) {
    // Not "not ready": reads and queueing still work.
    util::LogError("provider ", provider.Name(), " rejects our credentials");
  }
  nlohmann::json body = {{"ready", ready}, {"status", ready ? "ready" : "not ready"}};
  return {ready ? 200 : 503, body.dump()};
}

}  // namespace wa::api
