#pragma once

#include <string>

#include "server/provider/provider.h"
#include "server/storage/database.h"

namespace wa::api {

struct OpsDocument {
  int status = 200;
  std::string body;
};

// GET /metrics: util::Metrics plus what is read from the database when
// asked (queue depth and age per sender, webhook events by status), in
// Prometheus' text format.
OpsDocument MetricsDocument(storage::Database& db);

// GET /readyz: ready once the database answers at the schema this build
// migrates to; reports the provider and whether it accepts our
// credentials (a rejected token is reported, not "not ready": reads and
// queueing still work). 503 when the database does not answer.
OpsDocument ReadinessDocument(storage::Database& db, const provider::Provider& provider);

}  // namespace wa::api
