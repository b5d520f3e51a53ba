#pragma once

#include <string>

#include "server/domain/ops_readings.h"
#include "server/provider/provider.h"

namespace wa::api {

struct OpsDocument {
  int status = 200;
  std::string body;
};

// GET /metrics: util::Metrics plus what is read from the database when
// asked (queue depth and age per sender, webhook events by status), in
// Prometheus' text format.
OpsDocument MetricsDocument(domain::OpsReadings& readings);

// GET /readyz: ready once the database answers at the schema this build
// migrates to; 503 when it does not. It needs no token, so it says only
// {"ready": bool, "status": "ready"|"not ready"}; why is logged.
OpsDocument ReadinessDocument(domain::OpsReadings& readings, const provider::Provider& provider);

}  // namespace wa::api
