#include "server/workers/schedule_releaser.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::workers {

absl::Duration ScheduleReleaser::Tick() {
  absl::StatusOr<domain::ScheduledRelease::Round> round = release_.Run(absl::Now(), options_.batch);
  if (!round.ok()) {
    util::LogError("scheduled sends: ", round.status().ToString());
    return absl::Seconds(1);
  }
  if (round->released > 0) send_queue_.Wake();
  if (round->more) return absl::ZeroDuration();
  if (!round->next) return options_.max_sleep;
  return std::clamp(*round->next - absl::Now(), absl::ZeroDuration(), options_.max_sleep);
}

}  // namespace wa::workers
