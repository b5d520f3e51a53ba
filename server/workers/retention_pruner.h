#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/media_store.h"
#include "server/storage/retention_repository.h"
#include "server/workers/poller.h"

namespace wa::workers {

struct RetentionOptions {
  // Time between passes over every property.
  absl::Duration interval = absl::Minutes(10);
  // Rows per transaction: each is one short transaction among the sends'.
  int batch = 100;
  // Rest between two transactions, so the writer is never the pruner's:
  // at least `pause`, and `rest_per_work` times what the last one took.
  absl::Duration pause = absl::Milliseconds(10);
  double rest_per_work = 9;
  // How long a retention "day" is (tests shorten it).
  absl::Duration day = absl::Hours(24);
  // Work per tick before the worker yields (and Stop() can take effect).
  absl::Duration budget = absl::Seconds(2);
};

// Removes what is older than each property's retention (README, "Guest
// data"): message contents and conversation metadata, media records and
// their files, and the rows of every registered table (webhook events
// with their attempts, Meta's raw callbacks, the audit log). Small
// transactions with a pause between them; counts in /metrics
// (wa_retention_removed_total). On SQLite, gives the freed pages back
// (incremental vacuum) after a pass that removed something.
class RetentionPruner {
 public:
  RetentionPruner(storage::Database& db, const storage::MediaStore& media,
                  RetentionOptions options);

  // Another table pruned by its time (e.g. a feature's event stream).
  void AddRule(storage::PruneRule rule);
  void Start() { poller_.Start(); }
  void Wake() { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

  // The tables pruned by default.
  static std::vector<storage::PruneRule> DefaultRules();

 private:
  absl::Duration Tick();
  // Runs `batch` (returning how many it removed) until it removes fewer
  // than a batch or the tick's time is up. False when the time is up.
  bool Drain(const std::string& what, const std::function<absl::StatusOr<int64_t>()>& batch,
             absl::Time deadline);
  bool PruneProperty(const std::string& property_id, const storage::RetentionPolicy& policy,
                     absl::Time deadline);
  void GiveSpaceBack(absl::Time deadline);

  storage::Database& db_;
  const storage::MediaStore& media_;
  const RetentionOptions options_;
  storage::RetentionRepository retention_;
  absl::Mutex mu_;
  std::vector<storage::PruneRule> rules_ ABSL_GUARDED_BY(mu_);
  Poller poller_;
};

}  // namespace wa::workers
