#pragma once

#include "absl/time/time.h"

namespace wa::domain {

// When and whether to try a webhook event again.

// The wait before retry number `retry` (1 for the first): retry_delay
// doubled per retry, capped at an hour, plus up to 25% jitter so a burst
// of failures does not come back as a burst. `unit_random` is in [0, 1).
absl::Duration RetryDelay(absl::Duration retry_delay, int retry, double unit_random);

// Whether an attempt's outcome says the endpoint is down rather than
// refusing this event: no HTTP answer at all (refused, reset, timed out,
// unresolvable), or 429, 502, 503, 504 (throttled, or a proxy whose
// backend is gone). Such attempts do not use up the event's retries: the
// endpoint is paused and probed instead (see ProbeDelay).
bool EndpointDown(int http_status);

// The wait before probing a down endpoint again after `failures`
// consecutive failed probes: from `first` doubling up to `max`.
absl::Duration ProbeDelay(absl::Duration first, absl::Duration max, int failures);

}  // namespace wa::domain
