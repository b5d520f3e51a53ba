#include "server/workers/batch_runner.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::workers {

absl::Duration BatchRunner::Tick() {
  absl::StatusOr<absl::Time> next = batches_.Run(absl::Now());
  if (!next.ok()) {
    util::LogError("batches: ", next.status().ToString());
    return absl::Seconds(1);
  }
  return std::max(absl::ZeroDuration(), *next - absl::Now());
}

}  // namespace wa::workers
