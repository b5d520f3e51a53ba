#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/domain/send_timing.h"
#include "server/storage/property_repository.h"

namespace wa::domain {

// Inside a transaction: the property's time zone and quiet hours (the
// defaults for a property without a row; UTC for a zone that no longer
// loads, which `properties set` prevents).
absl::StatusOr<PropertyClock> ReadPropertyClock(storage::PropertyRepository& properties,
                                                const std::string& property_id);

}  // namespace wa::domain
