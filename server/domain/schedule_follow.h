#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/wake_ups.h"
#include "server/storage/database.h"

namespace wa::domain {

// Inside a transaction: sets and removes conversation metadata keys, and
// moves the conversation's scheduled messages whose send_at is relative to
// one of its times ({"relative_to": "metadata.checkin_at", ...}): to the
// new time when it changed (a message_scheduled event), or cancelled with
// the reason when the time was removed or is no longer one (a
// message_cancelled event). `event_waker` wakes what follows events (EventWaker).
absl::Status PatchMetadataInTransaction(storage::Database& db, const std::string& conversation_id,
                                        const std::map<std::string, std::string>& set,
                                        const std::vector<std::string>& remove, absl::Time now,
                                        EventWaker* event_waker);

}  // namespace wa::domain
