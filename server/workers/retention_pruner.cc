#include "server/workers/retention_pruner.h"

#include <algorithm>
#include <thread>

#include "absl/time/clock.h"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::workers {

namespace {

constexpr int kVacuumPages = 256;  // 1 MB of 4 KB pages per transaction

}  // namespace

std::vector<storage::PruneRule> RetentionPruner::DefaultRules() {
  storage::PruneRule events{.name = "webhook_events",
                            .table = "webhook_events",
                            .key_columns = {"seq"},
                            .time_column = "occurred_at",
                            .property_column = "property_id",
                            .condition = "status != 1",  // never one still to deliver
                            .kind = storage::RetentionKind::kEvents,
                            .dependents = {{"webhook_attempts", "event_id", "event_id"}},
                            .sequence_column = ""};
  storage::PruneRule callbacks{.name = "raw_callbacks",
                               .table = "provider_notifications",
                               .key_columns = {"id"},
                               .time_column = "received_at",
                               .property_column = "",
                               .condition = "(processed_at IS NOT NULL OR parked_on != '')",
                               .kind = storage::RetentionKind::kRawCallbacks,
                               .dependents = {},
                               .sequence_column = ""};
  storage::PruneRule audit{.name = "audit_events",
                           .table = "audit_events",
                           .key_columns = {"seq"},
                           .time_column = "occurred_at",
                           .property_column = "property_id",
                           .condition = "",
                           .kind = storage::RetentionKind::kAudit,
                           .dependents = {},
                           .sequence_column = ""};
  // The live streams keep the same days as the webhook events; a cursor
  // before the oldest kept answers OUT_OF_RANGE, so the stream is cut
  // only from its start.
  storage::PruneRule stream{.name = "stream_events",
                            .table = "stream_events",
                            .key_columns = {"property_id", "event_cursor"},
                            .time_column = "created_at",
                            .property_column = "property_id",
                            .condition = "",
                            .kind = storage::RetentionKind::kEvents,
                            .dependents = {},
                            .sequence_column = "event_cursor"};
  return {events, callbacks, audit, stream};
}

RetentionPruner::RetentionPruner(storage::Database& db, const storage::MediaStore& media,
                                 RetentionOptions options)
    : db_(db),
      media_(media),
      options_(options),
      retention_(db),
      rules_(DefaultRules()),
      poller_([this] { return Tick(); }) {}

void RetentionPruner::AddRule(storage::PruneRule rule) {
  absl::MutexLock lock(&mu_);
  rules_.push_back(std::move(rule));
}

bool RetentionPruner::Drain(const std::string& what,
                            const std::function<absl::StatusOr<int64_t>()>& batch,
                            absl::Time deadline) {
  while (absl::Now() < deadline) {
    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> removed = storage::TransactValue(db_, batch);
    const absl::Duration took = absl::Now() - start;
    if (!removed.ok()) {
      util::LogError("retention: pruning ", what, " failed: ", removed.status().ToString());
      return true;  // the next pass tries again; the others go on
    }
    if (*removed > 0) util::Metrics::Global().CountRetentionRemoved(what, *removed);
    if (*removed < options_.batch) return true;
    // The writer is the sends' first: the worker takes at most a tenth of
    // its time, however slow a batch turns out (a loaded disk, a big row).
    absl::SleepFor(std::max(options_.pause, took * options_.rest_per_work));
  }
  return false;
}

bool RetentionPruner::PruneProperty(const std::string& property_id,
                                    const storage::RetentionPolicy& policy, absl::Time deadline) {
  const absl::Time now = absl::Now();
  const int batch = options_.batch;
  bool done = Drain(
      "message_contents",
      [&] {
        return retention_.PruneContentBatch(
            property_id, now - options_.day * policy.message_content_days, now, batch);
      },
      deadline);
  std::vector<std::string> files;
  done = done && Drain(
                     "media",
                     [&]() -> absl::StatusOr<int64_t> {
                       int64_t removed = 0;
                       absl::StatusOr<std::vector<std::string>> unused = retention_.PruneMediaBatch(
                           property_id, now - options_.day * policy.media_days, batch, &removed);
                       if (!unused.ok()) return unused.status();
                       files.insert(files.end(), unused->begin(), unused->end());
                       return removed;
                     },
                     deadline);
  // After the commits: a record never names a file already gone.
  for (const std::string& sha256 : files) {
    if (absl::Status s = media_.Remove(sha256); !s.ok()) {
      util::LogError("retention: ", s.ToString());
    } else {
      util::Metrics::Global().CountRetentionRemoved("media_files", 1);
    }
  }
  std::vector<storage::PruneRule> rules;
  {
    absl::MutexLock lock(&mu_);
    rules = rules_;
  }
  for (const storage::PruneRule& rule : rules) {
    if (rule.property_column.empty()) continue;  // below, once for all properties
    absl::Time cutoff = now - options_.day * storage::DaysFor(policy, rule.kind);
    done = done &&
           Drain(
               rule.name, [&] { return retention_.PruneBatch(rule, property_id, cutoff, batch); },
               deadline);
  }
  return done;
}

void RetentionPruner::GiveSpaceBack(absl::Time deadline) {
  if (db_.engine() != storage::DatabaseUrl::Engine::kSqlite) return;
  // Pages freed by the deletes go back to the file system a slice at a
  // time (auto_vacuum=INCREMENTAL; a database made before it: nothing).
  while (absl::Now() < deadline) {
    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> freed = storage::TransactValue(db_, [&]() -> absl::StatusOr<int64_t> {
      absl::StatusOr<storage::Statement> count = db_.Prepare("PRAGMA freelist_count");
      if (!count.ok()) return count.status();
      absl::StatusOr<std::optional<int64_t>> pages = storage::FirstRow<int64_t>(
          *count, [](const storage::Statement& s) { return s.ColumnInt(0); });
      if (!pages.ok()) return pages.status();
      if (pages->value_or(0) == 0) return int64_t{0};
      if (absl::Status s = retention_.Vacuum(kVacuumPages); !s.ok()) return s;
      return std::min<int64_t>(**pages, kVacuumPages);
    });
    if (!freed.ok() || *freed < kVacuumPages) return;
    absl::SleepFor(std::max(options_.pause, (absl::Now() - start) * options_.rest_per_work));
  }
}

absl::Duration RetentionPruner::Tick() {
  const absl::Time deadline = absl::Now() + options_.budget;
  absl::StatusOr<std::vector<std::pair<std::string, storage::RetentionPolicy>>> all =
      storage::ReadValue(db_, [&] { return retention_.All(); });
  if (!all.ok()) {
    util::LogError("retention: ", all.status().ToString());
    return options_.interval;
  }
  bool done = true;
  // Defaults when there is no property yet; else the longest asked for.
  storage::RetentionPolicy longest;
  if (!all->empty()) longest.event_days = longest.raw_callback_days = longest.audit_days = 1;
  for (const auto& [property_id, policy] : *all) {
    done = done && PruneProperty(property_id, policy, deadline);
    longest.event_days = std::max(longest.event_days, policy.event_days);
    longest.raw_callback_days = std::max(longest.raw_callback_days, policy.raw_callback_days);
    longest.audit_days = std::max(longest.audit_days, policy.audit_days);
  }
  std::vector<storage::PruneRule> rules;
  {
    absl::MutexLock lock(&mu_);
    rules = rules_;
  }
  // A table of every property (Meta's callbacks name a number, not a
  // property) keeps its rows as long as the property that keeps them longest.
  const absl::Time now = absl::Now();
  for (const storage::PruneRule& rule : rules) {
    if (!rule.property_column.empty()) continue;
    absl::Time cutoff = now - options_.day * storage::DaysFor(longest, rule.kind);
    done = done &&
           Drain(
               rule.name, [&] { return retention_.PruneBatch(rule, "", cutoff, options_.batch); },
               deadline);
  }
  GiveSpaceBack(deadline + options_.budget);
  // Time ran out with more to remove: carry on soon.
  return done ? options_.interval : options_.pause * 10;
}

}  // namespace wa::workers
