#include "server/workers/status_timer.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::workers {
namespace {

constexpr absl::Duration kIdleSleep = absl::Seconds(1);
constexpr int kBatch = 256;

}  // namespace

StatusTimer::StatusTimer(storage::Database& db, domain::StatusService& statuses)
    : db_(db), statuses_(statuses), scheduled_(db), poller_([this] { return Tick(); }) {}

absl::Duration StatusTimer::Tick() {
  absl::StatusOr<std::vector<storage::ScheduledStatus>> due =
      storage::ReadValue(db_, [&] { return scheduled_.Due(absl::Now(), kBatch); });
  if (!due.ok()) {
    util::LogError("status timer: ", due.status().ToString());
    return kIdleSleep;
  }
  // One transaction for the whole batch: one fsync, and each status is
  // applied exactly when its schedule entry is removed, by the instance
  // whose delete removed it (another may have read the same entries).
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    for (const storage::ScheduledStatus& s : *due) {
      absl::StatusOr<bool> removed = scheduled_.Delete(s.id);
      if (!removed.ok()) return removed.status();
      if (!*removed) continue;
      domain::StatusUpdate update;
      update.whatsapp_message_id = s.whatsapp_message_id;
      update.status = s.status;
      update.at = s.due_at;
      update.failure_code = s.failure_code;
      update.failure_reason = s.failure_reason;
      if (auto applied = statuses_.ApplyInTransaction(update); !applied.ok()) {
        return applied.status();
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) util::LogError("status timer: ", status.ToString());
  if (static_cast<int>(due->size()) == kBatch) return absl::ZeroDuration();
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return scheduled_.NextDueAt(); });
  if (!next.ok() || !*next) return kIdleSleep;
  return std::clamp(**next - absl::Now(), absl::ZeroDuration(), kIdleSleep);
}

}  // namespace wa::workers
