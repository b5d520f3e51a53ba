#pragma once

#include "absl/time/time.h"
#include "server/domain/status_service.h"
#include "server/provider/provider.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"
#include "server/storage/scheduled_status_repository.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Hands queued messages to the provider, retries transient failures with
// exponential backoff and jitter, and fails a message after `max_attempts`.
class SendQueue {
 public:
  struct Options {
    int max_attempts = 8;
    absl::Duration base_backoff = absl::Milliseconds(500);
    absl::Duration max_backoff = absl::Minutes(5);
    int batch = 64;
  };

  SendQueue(storage::Database& db, provider::Provider& provider, Options options,
            std::function<void()> on_follow_ups);

  void Start() { poller_.Start(); }
  void Wake() { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();
  absl::Status Deliver(const storage::MessageRecord& message);
  absl::Duration Backoff(int attempts) const;

  storage::Database& db_;
  provider::Provider& provider_;
  Options options_;
  std::function<void()> on_follow_ups_;
  storage::MessageRepository messages_;
  storage::ScheduledStatusRepository scheduled_;
  Poller poller_;
};

}  // namespace wa::workers
