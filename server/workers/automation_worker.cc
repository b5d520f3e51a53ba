#include "server/workers/automation_worker.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::workers {
namespace {

constexpr absl::Duration kIdleSleep = absl::Seconds(1);
// Longer than an evaluation takes (a few sends); short, because a crashed
// instance's work waits this long, and running a message twice does
// nothing twice anyway.
constexpr absl::Duration kHold = absl::Seconds(5);
constexpr int kBatch = 32;
constexpr int kMaxAttempts = 5;

}  // namespace

AutomationWorker::AutomationWorker(storage::Database& db, domain::AutomationEngine& engine)
    : db_(db), engine_(engine), queue_(db), poller_([this] { return Tick(); }) {}

absl::Duration AutomationWorker::Tick() {
  absl::StatusOr<std::vector<storage::AutomationTask>> due =
      storage::ReadValue(db_, [&] { return queue_.Due(absl::Now(), kBatch); });
  if (!due.ok()) {
    util::LogError("automation: ", due.status().ToString());
    return kIdleSleep;
  }
  for (const storage::AutomationTask& task : *due) Run(task);
  if (static_cast<int>(due->size()) == kBatch) return absl::ZeroDuration();
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return queue_.NextDue(); });
  if (!next.ok() || !*next) return kIdleSleep;
  return std::clamp(**next - absl::Now(), absl::ZeroDuration(), kIdleSleep);
}

void AutomationWorker::Run(const storage::AutomationTask& task) {
  const absl::Time now = absl::Now();
  absl::StatusOr<bool> claimed =
      storage::TransactValue(db_, [&] { return queue_.Claim(task.message_id, now, now + kHold); });
  if (!claimed.ok() || !*claimed) return;  // another instance has it
  absl::Status evaluated = engine_.Evaluate(task.message_id);
  if (!evaluated.ok()) {
    util::LogError("automation: message ", task.message_id, " (try ", task.attempts + 1,
                   "): ", evaluated.ToString());
    // Retried when the hold runs out, until the last try.
    if (task.attempts + 1 < kMaxAttempts) return;
  }
  absl::Status done = db_.Transaction([&] { return queue_.Finish(task.message_id); });
  if (!done.ok()) util::LogError("automation: ", done.ToString());
}

}  // namespace wa::workers
