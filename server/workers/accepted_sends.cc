#include "server/workers/accepted_sends.h"

#include "server/util/status_macros.h"

namespace wa::workers {

absl::Status AcceptedSends::Record(const std::string& message_id,
                                   const provider::SendResult& result) {
  Slot slot{{message_id, result.whatsapp_message_id}, &result.follow_ups, absl::OkStatus()};
  absl::MutexLock lock(&mu_);
  waiting_.push_back(&slot);
  while (!slot.done) {
    if (writing_) {
      written_.Wait(&mu_);
      continue;
    }
    // Nobody is writing: this worker writes every send waiting, its own
    // among them.
    writing_ = true;
    std::vector<Slot*> group;
    group.swap(waiting_);
    mu_.Unlock();
    Write(group);
    mu_.Lock();
    for (Slot* written : group) written->done = true;
    writing_ = false;
    written_.SignalAll();
  }
  return slot.status;
}

void AcceptedSends::Write(const std::vector<Slot*>& group) {
  absl::Status status = WriteTogether(group);
  if (!status.ok() && group.size() > 1) {
    for (Slot* slot : group) slot->status = WriteTogether({slot});
    return;
  }
  for (Slot* slot : group) slot->status = status;
}

absl::Status AcceptedSends::WriteTogether(const std::vector<Slot*>& group) {
  std::vector<storage::MessageRepository::Accepted> accepted;
  std::vector<storage::ScheduledStatus> follow_ups;
  for (const Slot* slot : group) {
    accepted.push_back(slot->accepted);
    follow_ups.insert(follow_ups.end(), slot->follow_ups->begin(), slot->follow_ups->end());
  }
  return db_.Transaction([&]() -> absl::Status {
    RETURN_IF_ERROR(messages_.MarkAccepted(accepted));
    return scheduled_.Insert(follow_ups);
  });
}

}  // namespace wa::workers
