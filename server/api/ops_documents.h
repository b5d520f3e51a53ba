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
// migrates to; 503 when it does not. It needs no token, so it says only
// {"ready": bool, "status": "ready"|"not ready"}; why is logged.
OpsDocument ReadinessDocument(storage::Database& db, const provider::Provider& provider);

}  // namespace wa::api
