#pragma once

#include <functional>

#include "absl/time/time.h"
#include "server/domain/scheduled_release.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Runs ScheduledRelease: sleeps until the next scheduled_for (or until a
// new schedule wakes it), releases what is due in rounds of `batch`, and
// wakes the send queue for what it released. State lives in the database,
// so a restart (or another instance) takes over where it stopped.
class ScheduleReleaser {
 public:
  struct Options {
    int batch = 200;
    // The longest sleep: schedules written by another instance, or moved by
    // a metadata change, are seen at least this often.
    absl::Duration max_sleep = absl::Seconds(2);
  };

  ScheduleReleaser(domain::ScheduledRelease& release, Options options,
                   std::function<void()> on_released)
      : release_(release),
        options_(options),
        on_released_(std::move(on_released)),
        poller_([this] { return Tick(); }) {}
  ~ScheduleReleaser() { Stop(); }

  void Start() { poller_.Start(); }
  void Wake() { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();

  domain::ScheduledRelease& release_;
  const Options options_;
  std::function<void()> on_released_;
  Poller poller_;
};

}  // namespace wa::workers
