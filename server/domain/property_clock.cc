#include "server/domain/property_clock.h"

namespace wa::domain {

absl::StatusOr<PropertyClock> ReadPropertyClock(storage::PropertyRepository& properties,
                                                const std::string& property_id) {
  absl::StatusOr<std::optional<storage::PropertyRecord>> found = properties.Get(property_id);
  if (!found.ok()) return found.status();
  storage::PropertyRecord record = found->value_or(storage::PropertyRecord{});
  PropertyClock clock;
  if (!absl::LoadTimeZone(record.time_zone, &clock.zone)) clock.zone = absl::UTCTimeZone();
  absl::StatusOr<std::optional<QuietHours>> quiet =
      ParseQuietHours(record.quiet_hours_start, record.quiet_hours_end);
  // Stored values were checked when set; a bad one reads as off.
  if (quiet.ok()) clock.quiet = *quiet;
  return clock;
}

}  // namespace wa::domain
