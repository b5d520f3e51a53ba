#include "server/workers/send_queue.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/outbound_content.h"
#include "server/domain/send_timing.h"
#include "server/domain/status_machine.h"
#include "server/util/log.h"
#include "server/util/metrics.h"
#include "server/util/status_macros.h"

namespace wa::workers {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr absl::Duration kIdleSleep = absl::Seconds(1);
// How soon a round that found every due message held by another instance's
// round (SKIP LOCKED) looks again: that round takes them, and looking at
// once would spin. A wake-up (a send of this instance) still comes at once.
constexpr absl::Duration kHeldElsewhere = absl::Milliseconds(20);

}  // namespace

SendQueue::SendQueue(storage::Database& db, provider::Provider& provider,
                     domain::PropertyService& properties, Options options, Peers peers,
                     const domain::RateLimiterFactory& limiters)
    : db_(db),
      provider_(provider),
      properties_(properties),
      options_(options),
      peers_(std::move(peers)),
      messages_(db),
      accepted_(db),
      statuses_(db, peers_.events),
      sender_limit_(
          limiters("sender", options.sender_rate_per_second, options.sender_rate_per_second)),
      pair_limit_(limiters("pair", options.pair_rate_per_second, options.pair_burst)),
      poller_([this] { return Tick(); }) {}

void SendQueue::Start() {
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  poller_.Start();
}

void SendQueue::Stop() {
  poller_.Stop();
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // Workers finish the calls in flight; claimed messages not yet started
  // stay held in the database and are retried after the grace period.
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

absl::Duration SendQueue::Backoff(int attempts) const {
  absl::Duration ceiling =
      std::min(options_.max_backoff, options_.base_backoff * (1 << std::min(attempts, 20)));
  // Jitter spreads the retries of a burst instead of replaying it.
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.5, 1.0);
  return ceiling * unit(rng);
}

absl::Duration SendQueue::Tick() {
  absl::Time now = absl::Now();
  std::vector<storage::MessageRecord> claimed;
  bool read_none = false;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    claimed.clear();
    std::vector<storage::MessageRecord> ready;
    Refusals refused;
    absl::StatusOr<std::vector<storage::MessageRecord>> due =
        messages_.LockDueForSending(now, options_.batch);
    if (!due.ok()) return due.status();
    read_none = due->empty();
    for (storage::MessageRecord& m : *due) {
      if (InFlight(m.message_id)) {
        // Still ours: renew the hold so that only a crash lets it run out.
        absl::StatusOr<bool> renewed =
            messages_.Claim(m.message_id, now, now + options_.reconcile_grace);
        if (!renewed.ok()) return renewed.status();
        continue;
      }
      if (m.valid_until && *m.valid_until <= now) {
        if (absl::Status s = Expire(m, now, /*held=*/false); !s.ok()) return s;
        continue;
      }
      absl::StatusOr<absl::Duration> wait = Pace(m, now, refused);
      if (!wait.ok()) return wait.status();
      if (*wait > absl::ZeroDuration()) {
        // Back by its valid_until at the latest, to expire on time.
        absl::Time at = m.valid_until ? std::min(now + *wait, *m.valid_until) : now + *wait;
        absl::StatusOr<bool> deferred = messages_.DeferDue(m.message_id, now, at, m.failure_reason);
        if (!deferred.ok()) return deferred.status();
        continue;
      }
      ready.push_back(std::move(m));
    }
    // All in one statement. Another instance may have taken some since the
    // read: those are theirs.
    std::vector<std::string> ids;
    for (const storage::MessageRecord& m : ready) ids.push_back(m.message_id);
    absl::StatusOr<std::vector<std::string>> taken =
        messages_.ClaimAll(ids, now, now + options_.reconcile_grace);
    if (!taken.ok()) return taken.status();
    absl::flat_hash_set<std::string> ours(taken->begin(), taken->end());
    for (storage::MessageRecord& m : ready) {
      if (!ours.contains(m.message_id)) continue;
      ++m.attempts;
      claimed.push_back(std::move(m));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) {
    util::LogError("send queue: ", status.ToString());
    return kIdleSleep;
  }
  if (!claimed.empty()) {
    absl::MutexLock lock(&mu_);
    for (storage::MessageRecord& m : claimed) {
      in_flight_.insert(m.message_id);
      claimed_.push_back(std::move(m));
    }
  }
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return messages_.NextAttemptAt(); });
  if (!next.ok() || !*next) return kIdleSleep;
  const absl::Duration until_next = **next - absl::Now();
  // Due, yet this round read none: another instance's round holds them.
  if (read_none && until_next <= absl::ZeroDuration()) return kHeldElsewhere;
  return std::clamp(until_next, absl::ZeroDuration(), kIdleSleep);
}

// The limiters run inside the claim transaction (Tick). A shared one
// (PostgreSQL) takes its token in one statement that commits at once, on a
// connection apart from that transaction (Database::Autocommit): its row
// lock lasts the statement, not the transaction, so other instances' claims
// for the same sender do not queue behind ours, and two claims locking
// sender and pair rows in different orders cannot deadlock. The price: a
// token taken for a claim that then rolls back is spent (the pace errs on
// the slow side). And since `now` stands still within a round and a refusal
// changes nothing, a sender or guest refused once is not asked again that
// round: a backlog costs one round trip per sender, not one per message.
absl::StatusOr<absl::Duration> SendQueue::Pace(const storage::MessageRecord& m, absl::Time now,
                                               Refusals& refused) {
  auto take = [now](domain::RateLimiter& limiter,
                    absl::flat_hash_map<std::string, absl::Duration>& seen,
                    const std::string& key) -> absl::StatusOr<absl::Duration> {
    if (auto it = seen.find(key); it != seen.end()) return it->second;
    absl::StatusOr<absl::Duration> wait = limiter.TryTake(key, now);
    if (wait.ok() && *wait > absl::ZeroDuration()) seen[key] = *wait;
    return wait;
  };
  // Meta's limits are the sending number's: its throughput, and the pair
  // rate of (number, guest). A message without a number (the sandbox) is
  // paced as its property's.
  const std::string& sender = m.phone_number_id.empty() ? m.property_id : m.phone_number_id;
  absl::StatusOr<absl::Duration> wait = take(*sender_limit_, refused.senders, sender);
  if (!wait.ok() || *wait > absl::ZeroDuration()) return wait;
  return take(*pair_limit_, refused.pairs, absl::StrCat(sender, "/", m.guest_phone));
}

bool SendQueue::InFlight(const std::string& message_id) const {
  absl::MutexLock lock(&mu_);
  return in_flight_.contains(message_id);
}

void SendQueue::WorkerLoop() {
  while (true) {
    storage::MessageRecord message;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &SendQueue::WorkReady));
      if (claimed_.empty()) return;  // stopping
      message = std::move(claimed_.front());
      claimed_.pop_front();
    }
    if (absl::Status s = Deliver(message); !s.ok()) {
      util::LogError("send queue: ", message.message_id, ": ", s.ToString());
    }
    absl::MutexLock lock(&mu_);
    in_flight_.erase(message.message_id);
  }
}

provider::SenderAccount SendQueue::SenderOf(const storage::MessageRecord& message) {
  std::optional<domain::SenderNumber> number = properties_.FindNumber(message.phone_number_id);
  if (number && number->property_id == message.property_id) return *number;
  return properties_.DefaultNumber(message.property_id).value_or(provider::SenderAccount{});
}

absl::Status SendQueue::Expire(const storage::MessageRecord& message, absl::Time now, bool held) {
  // Unless this process holds it, only while still due: another instance
  // may have claimed it since it was read.
  using EndFrom = storage::MessageRepository::EndFrom;
  return statuses_
      .EndInTransaction(message, held ? EndFrom::kQueued : EndFrom::kQueuedDue,
                        v1::MESSAGE_STATUS_EXPIRED, now,
                        domain::ExpiredReason(*message.valid_until))
      .status();
}

absl::Status SendQueue::Deliver(const storage::MessageRecord& message) {
  // It may have waited for a worker past its valid_until.
  if (absl::Time now = absl::Now(); message.valid_until && *message.valid_until <= now) {
    return db_.Transaction([&] { return Expire(message, now, /*held=*/true); });
  }
  provider::OutboundMessage out{message.message_id,          message.property_id,
                                message.guest_phone,         {},
                                message.reply_to_message_id, SenderOf(message)};
  absl::StatusOr<v1::OutboundContent> content = domain::DecodeContent(message.payload);
  if (!content.ok()) {
    provider::SendResult undecodable;
    undecodable.outcome = provider::SendOutcome::kFailed;
    undecodable.error = std::string(content.status().message());
    return Settle(message, undecodable);
  }
  out.content = *std::move(content);
  if (std::optional<provider::SendResult> failed = ResolveMedia(out, out.content)) {
    return Settle(message, *std::move(failed));
  }
  return Settle(message, provider_.Send(out));
}

std::optional<provider::SendResult> SendQueue::ResolveMedia(const provider::OutboundMessage& out,
                                                            v1::OutboundContent& content) {
  if (!content.has_media() || content.media().stored_media_id().empty() ||
      !content.media().media_id().empty()) {
    return std::nullopt;
  }
  absl::StatusOr<std::string> id =
      peers_.media
          ? peers_.media->ProviderMediaId(out.property_id, content.media().stored_media_id(),
                                          out.from)
          : absl::StatusOr<std::string>(absl::InternalError("no media resolver configured"));
  if (id.ok()) {
    content.mutable_media()->set_media_id(*id);
    return std::nullopt;
  }
  // The upload's status says what to do next: retry later (UNAVAILABLE),
  // wait for credentials (FAILED_PRECONDITION) or give up.
  provider::SendResult result;
  result.error = std::string(id.status().message());
  switch (id.status().code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      result.outcome = provider::SendOutcome::kRetry;
      break;
    case absl::StatusCode::kFailedPrecondition:
      result.outcome = provider::SendOutcome::kCredentialsRejected;
      break;
    default:
      result.outcome = provider::SendOutcome::kFailed;
      result.contract_code = "MEDIA_UPLOAD_FAILED";
  }
  return result;
}

void SendQueue::ReportHealth(bool healthy, const std::string& why) {
  {
    absl::MutexLock lock(&mu_);
    if (healthy_ == healthy) return;
    healthy_ = healthy;
  }
  if (!healthy) {
    util::LogError("provider ", provider_.Name(), " refuses our credentials (", why,
                   "); messages stay queued until they are fixed");
  } else {
    util::LogInfo("provider ", provider_.Name(), " accepts our credentials again");
  }
  if (peers_.health) peers_.health->Report(healthy);
}

absl::Status SendQueue::Settle(const storage::MessageRecord& message, provider::SendResult result) {
  absl::Time now = absl::Now();
  if (result.outcome != provider::SendOutcome::kAccepted) {
    util::Metrics::Global().CountProviderError(result.error_code);
  }
  switch (result.outcome) {
    case provider::SendOutcome::kAccepted: {
      ReportHealth(true);
      absl::Status status = accepted_.Record(message.message_id, result);
      if (status.ok() && !result.follow_ups.empty() && peers_.status_timer) {
        peers_.status_timer->WakeBy(
            std::min_element(result.follow_ups.begin(), result.follow_ups.end(),
                             [](const auto& a, const auto& b) { return a.due_at < b.due_at; })
                ->due_at);
      }
      return status;
    }
    case provider::SendOutcome::kCredentialsRejected:
      ReportHealth(false, result.error);
      return db_.Transaction([&] {
        return messages_.Defer(message.message_id, now + options_.credentials_retry, result.error);
      });
    case provider::SendOutcome::kRetry:
      if (message.attempts < options_.max_attempts) {
        absl::Duration wait = std::max(result.retry_after, Backoff(message.attempts));
        return db_.Transaction(
            [&] { return messages_.Defer(message.message_id, now + wait, result.error); });
      }
      result.error = absl::StrCat("gave up after ", message.attempts, " attempts: ", result.error);
      [[fallthrough]];
    case provider::SendOutcome::kFailed: {
      std::string reason = result.contract_code.empty()
                               ? result.error
                               : absl::StrCat(result.contract_code, ": ", result.error);
      return db_.Transaction(
          [&] { return statuses_.FailInTransaction(message, now, result.error_code, reason); });
    }
  }
  return absl::OkStatus();
}

}  // namespace wa::workers
