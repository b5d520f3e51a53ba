#pragma once

#include "absl/time/time.h"
#include "server/domain/batch_service.h"
#include "server/domain/wake_ups.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Releases batch items at their batches' rates and completes batches that
// are over (BatchService::Run), waking when the next item falls due or a
// new batch arrives.
class BatchRunner : public domain::BatchWaker {
 public:
  explicit BatchRunner(domain::BatchService& batches)
      : batches_(batches), poller_([this] { return Tick(); }) {}
  ~BatchRunner() { Stop(); }

  void Start() { poller_.Start(); }
  void Wake() override { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();

  domain::BatchService& batches_;
  Poller poller_;
};

}  // namespace wa::workers
