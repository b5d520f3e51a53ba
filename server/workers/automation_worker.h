#pragma once

#include "server/domain/automation_engine.h"
#include "server/domain/wake_ups.h"
#include "server/storage/automation_repository.h"
#include "server/storage/database.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Runs the automation rules on each inbound message the inbound service
// queued, after its commit. Each is claimed with a hold, so that a crash
// leaves it to be taken up again (the engine does nothing twice), and
// dropped after a few failed tries so that one bad message cannot block
// the queue.
class AutomationWorker : public domain::AutomationWaker {
 public:
  AutomationWorker(storage::Database& db, domain::AutomationEngine& engine);

  void Start() { poller_.Start(); }
  void Wake() override { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();
  void Run(const storage::AutomationTask& task);

  storage::Database& db_;
  domain::AutomationEngine& engine_;
  storage::AutomationRepository queue_;
  Poller poller_;
};

}  // namespace wa::workers
