#pragma once

#include "absl/time/time.h"
#include "server/domain/scheduled_release.h"
#include "server/domain/wake_ups.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Runs ScheduledRelease: sleeps until the next scheduled_for (or until a
// new schedule wakes it), releases what is due in rounds of `batch`, and
// wakes the send queue for what it released. State lives in the database,
// so a restart (or another instance) takes over where it stopped.
class ScheduleReleaser : public domain::ScheduleWaker {
 public:
  struct Options {
    int batch = 200;
    // The longest sleep: schedules written by another instance, or moved by
    // a metadata change, are seen at least this often.
    absl::Duration max_sleep = absl::Seconds(2);
  };

  // What it releases to send now goes to `send_queue`.
  ScheduleReleaser(domain::ScheduledRelease& release, Options options,
                   domain::SendQueueWaker& send_queue)
      : release_(release),
        options_(options),
        send_queue_(send_queue),
        poller_([this] { return Tick(); }) {}
  ~ScheduleReleaser() { Stop(); }

  void Start() { poller_.Start(); }
  void Wake() override { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();

  domain::ScheduledRelease& release_;
  const Options options_;
  domain::SendQueueWaker& send_queue_;
  Poller poller_;
};

}  // namespace wa::workers
