#pragma once

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/provider/webhook_client.h"
#include "server/storage/database.h"
#include "server/storage/webhook_repository.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Delivers the outbox to the hotels' endpoints.
//
// A poller claims due events (holding each for `hold`, so that if the
// process dies mid-attempt the event is retried after that, at least
// once; the hold is the lease that another instance on the same database
// waits out, and a claim takes an event only if it is still due, so two
// instances never post it together); threads post them. Only the oldest pending event of a
// conversation is ever due, so a conversation's events arrive in order.
// A 2xx delivers. An HTTP refusal is retried with backoff from the
// endpoint's retry_delay and dead-lettered after max_retries. An endpoint
// that gives no answer (or 429/502/503/504) is down: its events wait
// without using up retries and one probe at a time goes out, from
// retry_delay doubling to `probe_max`, until it answers again; an event
// still waiting after `max_outage` is dead-lettered.
class WebhookDelivery {
 public:
  struct Options {
    int threads = 4;
    absl::Duration hold = absl::Seconds(60);
    absl::Duration probe_max = absl::Seconds(60);
    absl::Duration max_outage = absl::Hours(72);
    absl::Duration idle_poll = absl::Milliseconds(100);
  };

  WebhookDelivery(storage::Database& db, provider::WebhookClient& client, Options options);
  ~WebhookDelivery() { Stop(); }

  void Start();
  void Wake() { poller_.Wake(); }
  // Finishes the attempts in flight; claimed events not yet started are
  // released for the next run.
  void Stop();

 private:
  struct Job {
    storage::WebhookEventRecord event;
    storage::WebhookConfigRecord config;
  };

  absl::Duration Tick();
  absl::Status Claim(absl::Time now, int capacity, std::vector<Job>& claimed);
  void WorkerLoop();
  void Deliver(const Job& job);
  absl::Status Settle(const Job& job, const provider::WebhookAnswer& answer);
  bool WorkReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  storage::Database& db_;
  provider::WebhookClient& client_;
  Options options_;
  storage::WebhookRepository webhooks_;
  Poller poller_;

  mutable absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace wa::workers
