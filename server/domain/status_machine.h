#pragma once

#include <string>

#include "absl/time/time.h"
#include "server/storage/records.h"

namespace wa::domain {

// A status report about an outbound message, from Meta or the sandbox.
struct StatusUpdate {
  std::string whatsapp_message_id;
  hotel::whatsapp::v1::MessageStatus status = hotel::whatsapp::v1::MESSAGE_STATUS_UNSPECIFIED;
  absl::Time at;
  int failure_code = 0;
  std::string failure_reason;
  // Our message id as Meta echoes it (biz_opaque_callback_data): settles a
  // send whose acceptance we never recorded, e.g. after a crash.
  std::string message_id;
};

// Failed, cancelled and expired: nothing moves a message on from them.
bool IsFinal(hotel::whatsapp::v1::MessageStatus status);

// Moves a message forward: queued < sent < delivered < read, with failed,
// cancelled and expired terminal; a scheduled message is not the
// provider's yet (ScheduledRelease moves it to queued). Statuses arrive repeated and out of order,
// so a status that is not ahead of the current one changes nothing. Reaching a later status fills
// the earlier timestamps it implies (Meta skips `delivered` when it coincides with `read`). Returns
// whether the message changed.
bool ApplyStatus(storage::MessageRecord& message, const StatusUpdate& update);

}  // namespace wa::domain
