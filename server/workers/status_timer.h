#pragma once

#include "server/domain/status_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/database.h"
#include "server/storage/scheduled_status_repository.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Delivers the statuses a provider scheduled (the sandbox's sent,
// delivered, read) when they fall due, through the same status path as
// Meta's callbacks.
class StatusTimer : public domain::StatusTimerWaker {
 public:
  StatusTimer(storage::Database& db, domain::StatusService& statuses);

  void Start() { poller_.Start(); }
  void Wake() override { poller_.Wake(); }
  void WakeBy(absl::Time due) override { poller_.WakeBy(due); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();

  storage::Database& db_;
  domain::StatusService& statuses_;
  storage::ScheduledStatusRepository scheduled_;
  Poller poller_;
};

}  // namespace wa::workers
