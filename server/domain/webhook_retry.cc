#include "server/domain/webhook_retry.h"

#include <algorithm>

namespace wa::domain {

absl::Duration RetryDelay(absl::Duration retry_delay, int retry, double unit_random) {
  absl::Duration base =
      std::min(absl::Hours(1), retry_delay * (int64_t{1} << std::clamp(retry - 1, 0, 20)));
  return base + base * (0.25 * std::clamp(unit_random, 0.0, 1.0));
}

bool EndpointDown(int http_status) {
  return http_status == 0 || http_status == 429 || http_status == 502 || http_status == 503 ||
         http_status == 504;
}

absl::Duration ProbeDelay(absl::Duration first, absl::Duration max, int failures) {
  return std::min(max, first * (int64_t{1} << std::clamp(failures, 0, 20)));
}

}  // namespace wa::domain
