#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/local_rate_limiter.h"
#include "server/domain/property_service.h"
#include "server/domain/rate_limiter.h"
#include "server/domain/status_service.h"
#include "server/domain/wake_ups.h"
#include "server/provider/provider.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"
#include "server/workers/accepted_sends.h"
#include "server/workers/media_copies.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Told when the provider's credentials turn bad or good again (the gRPC
// health service, app_servers.cc).
class ProviderHealth {
 public:
  virtual ~ProviderHealth() = default;
  virtual void Report(bool healthy) = 0;
};

// Hands queued messages to the provider.
//
// A poller claims due messages in one transaction per round, pacing them
// by the sender number's throughput and the guest's pair rate (a message
// that must wait is moved back, not failed); a pool of threads makes the
// provider calls. Claiming holds a message for `reconcile_grace`: if the
// process dies during the call, nothing is resent until a status callback
// has had that long to settle it; several instances on one database each
// take a message only if it is still due when their claim runs, so the
// hold is also the lease another instance waits out after a crash. Transient failures retry with
// exponential backoff and jitter; after `max_attempts` the message fails.
class SendQueue : public domain::SendQueueWaker {
 public:
  struct Options {
    int threads = 8;
    int max_attempts = 8;
    absl::Duration base_backoff = absl::Milliseconds(500);
    absl::Duration max_backoff = absl::Minutes(5);
    absl::Duration reconcile_grace = absl::Minutes(5);
    absl::Duration credentials_retry = absl::Seconds(30);
    double sender_rate_per_second = 80;
    double pair_rate_per_second = 1.0 / 6;
    double pair_burst = 10;
    int batch = 256;
  };
  // Whom the queue calls besides the provider; each may be null.
  struct Peers {
    domain::StatusTimerWaker* status_timer = nullptr;  // the provider's follow-up statuses
    ProviderHealth* health = nullptr;                  // credentials good or bad
    MediaCopies* media = nullptr;                      // our uploads' ids at the provider
    domain::EventWaker* events = nullptr;              // a failure recorded events
  };

  // The pacing is kept by limiters of `limiters` (in process by default;
  // shared by the instances on PostgreSQL, app.cc).
  // Each message goes from its number as `properties` knows it.
  SendQueue(storage::Database& db, provider::Provider& provider,
            domain::PropertyService& properties, Options options, Peers peers,
            const domain::RateLimiterFactory& limiters = domain::LocalRateLimiters());
  ~SendQueue() { Stop(); }

  void Start();
  void Wake() override { poller_.Wake(); }
  void Stop();

 private:
  // Senders and guests refused a token in this round, with their wait.
  struct Refusals {
    absl::flat_hash_map<std::string, absl::Duration> senders;
    absl::flat_hash_map<std::string, absl::Duration> pairs;
  };

  absl::Duration Tick();
  // How long `m` must wait for its sender's pace and its guest's pair
  // rate; zero when it may go now (its tokens are taken).
  absl::StatusOr<absl::Duration> Pace(const storage::MessageRecord& m, absl::Time now,
                                      Refusals& refused);
  // Claimed by this process and not settled yet (only Tick adds to the set).
  bool InFlight(const std::string& message_id) const;
  void WorkerLoop();
  absl::Status Deliver(const storage::MessageRecord& message);
  // Inside a transaction: the message's valid_until passed before it went
  // out; it is expired instead (its events go to the hotel). `held`: this
  // process claimed it.
  absl::Status Expire(const storage::MessageRecord& message, absl::Time now, bool held);
  // Fills in the provider's media id of a media message (MediaCopies).
  std::optional<provider::SendResult> ResolveMedia(const provider::OutboundMessage& out,
                                                   hotel::whatsapp::v1::OutboundContent& content);
  // The message's number, else its property's default (a number removed
  // since), else none (the sandbox).
  provider::SenderAccount SenderOf(const storage::MessageRecord& message);
  absl::Status Settle(const storage::MessageRecord& message, provider::SendResult result);
  absl::Duration Backoff(int attempts) const;
  // `why`: the provider's reason, logged on the change to unhealthy (a
  // rejected token, or a number whose token cannot be read).
  void ReportHealth(bool healthy, const std::string& why = "");
  bool WorkReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !claimed_.empty();
  }

  storage::Database& db_;
  provider::Provider& provider_;
  domain::PropertyService& properties_;
  Options options_;
  Peers peers_;
  storage::MessageRepository messages_;
  AcceptedSends accepted_;
  domain::StatusService statuses_;  // a failure is a status change, with its webhook event
  std::unique_ptr<domain::RateLimiter> sender_limit_;
  std::unique_ptr<domain::RateLimiter> pair_limit_;
  Poller poller_;

  mutable absl::Mutex mu_;
  std::deque<storage::MessageRecord> claimed_ ABSL_GUARDED_BY(mu_);
  // Claimed by this process and not settled yet: waiting for a worker or
  // in a provider call. Their hold in the database may run out meanwhile
  // (a call slower than reconcile_grace); they must not be claimed again.
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  std::vector<std::thread> workers_;
};

}  // namespace wa::workers
