#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/provider/provider.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"
#include "server/storage/scheduled_status_repository.h"

namespace wa::workers {

// Records the sends the provider accepted, in groups, as a database's group
// commit does: the first worker to find no group being written writes
// every accepted send waiting (their wamids in one UPDATE, their follow-up
// statuses in one INSERT, one commit) while the others wait for theirs.
// Record returns once its send is committed, as a transaction of its own
// would have; the send queue's eight workers then share one commit where
// they paid one each. A group that fails is written again send by send, so
// that one bad row fails alone.
class AcceptedSends {
 public:
  explicit AcceptedSends(storage::Database& db) : db_(db), messages_(db), scheduled_(db) {}

  absl::Status Record(const std::string& message_id, const provider::SendResult& result);

 private:
  struct Slot {
    storage::MessageRepository::Accepted accepted;
    const std::vector<storage::ScheduledStatus>* follow_ups;
    absl::Status status;  // set by the writer before `done`
    bool done = false;
  };
  void Write(const std::vector<Slot*>& group);
  absl::Status WriteTogether(const std::vector<Slot*>& group);

  storage::Database& db_;
  storage::MessageRepository messages_;
  storage::ScheduledStatusRepository scheduled_;
  absl::Mutex mu_;
  absl::CondVar written_;
  std::vector<Slot*> waiting_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace wa::workers
