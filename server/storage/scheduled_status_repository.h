#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// Provider statuses to be delivered later (the sandbox's timer), kept on
// disk so that a restart does not lose them.
class ScheduledStatusRepository {
 public:
  explicit ScheduledStatusRepository(Database& db) : db_(db) {}

  // All in one statement (a send's follow-ups: sent, delivered, read).
  absl::Status Insert(const std::vector<ScheduledStatus>& statuses);
  absl::StatusOr<std::vector<ScheduledStatus>> Due(absl::Time now, int limit);
  absl::StatusOr<std::optional<absl::Time>> NextDueAt();
  // Removes an entry; false when it was gone already (another instance
  // applied it): the caller applies the status only when this is true.
  absl::StatusOr<bool> Delete(int64_t id);

 private:
  Database& db_;
};

}  // namespace wa::storage
