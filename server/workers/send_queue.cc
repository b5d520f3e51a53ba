#include "server/workers/send_queue.h"

#include <algorithm>
#include <random>

#include "absl/time/clock.h"
#include "server/domain/status_machine.h"
#include "server/util/log.h"

namespace wa::workers {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr absl::Duration kIdleSleep = absl::Seconds(1);

provider::OutboundMessage ToOutbound(const storage::MessageRecord& m) {
  return provider::OutboundMessage{m.message_id,         m.property_id, m.guest_phone,
                                   m.message_type,       m.body,        m.payload,
                                   m.reply_to_message_id};
}

}  // namespace

SendQueue::SendQueue(storage::Database& db, provider::Provider& provider, Options options,
                     std::function<void()> on_follow_ups)
    : db_(db),
      provider_(provider),
      options_(options),
      on_follow_ups_(std::move(on_follow_ups)),
      messages_(db),
      scheduled_(db),
      poller_("send-queue", [this] { return Tick(); }) {}

absl::Duration SendQueue::Backoff(int attempts) const {
  absl::Duration ceiling =
      std::min(options_.max_backoff, options_.base_backoff * (1 << std::min(attempts, 20)));
  // Full jitter spreads the retries of a burst instead of replaying it.
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.5, 1.0);
  return ceiling * unit(rng);
}

absl::Duration SendQueue::Tick() {
  absl::Time now = absl::Now();
  absl::StatusOr<std::vector<storage::MessageRecord>> due =
      storage::ReadValue(db_, [&] { return messages_.DueForSending(now, options_.batch); });
  if (!due.ok()) {
    util::LogError("send queue: ", due.status().ToString());
    return kIdleSleep;
  }
  for (const storage::MessageRecord& message : *due) {
    if (absl::Status s = Deliver(message); !s.ok()) {
      util::LogError("send queue: ", message.message_id, ": ", s.ToString());
    }
  }
  if (static_cast<int>(due->size()) == options_.batch) return absl::ZeroDuration();
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return messages_.NextAttemptAt(); });
  if (!next.ok() || !*next) return kIdleSleep;
  return std::clamp(**next - absl::Now(), absl::ZeroDuration(), kIdleSleep);
}

absl::Status SendQueue::Deliver(const storage::MessageRecord& message) {
  provider::SendResult result = provider_.Send(ToOutbound(message));
  switch (result.outcome) {
    case provider::SendOutcome::kAccepted: {
      absl::Status status = db_.Transaction([&]() -> absl::Status {
        if (absl::Status s = messages_.MarkAccepted(message.message_id, result.whatsapp_message_id);
            !s.ok()) {
          return s;
        }
        for (const storage::ScheduledStatus& follow_up : result.follow_ups) {
          if (absl::Status s = scheduled_.Insert(follow_up); !s.ok()) return s;
        }
        return absl::OkStatus();
      });
      if (status.ok() && !result.follow_ups.empty() && on_follow_ups_) on_follow_ups_();
      return status;
    }
    case provider::SendOutcome::kRetry:
      if (message.attempts + 1 < options_.max_attempts) {
        absl::Duration wait = std::max(result.retry_after, Backoff(message.attempts));
        return db_.Transaction([&] {
          return messages_.ScheduleRetry(message.message_id, absl::Now() + wait,
                                         message.attempts + 1, result.error);
        });
      }
      result.error =
          "gave up after " + std::to_string(options_.max_attempts) + " attempts: " + result.error;
      [[fallthrough]];
    case provider::SendOutcome::kFailed: {
      storage::MessageRecord failed = message;
      domain::ApplyStatus(failed, domain::StatusUpdate{"", v1::MESSAGE_STATUS_FAILED, absl::Now(),
                                                       result.error_code, result.error});
      return db_.Transaction([&] { return messages_.UpdateStatus(failed); });
    }
  }
  return absl::OkStatus();
}

}  // namespace wa::workers
